"""The filters of the exports and of the list of holders: those of the list each export comes
from, plus the organisation (and, for the holders, the session) it is about.

An organisation or a session the user may not see answers 404, never an empty list or an
empty export, which would say that it exists; a value that is not even a number or a slug is
an error shown next to its field.
"""

from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from candidates.forms import CandidacyFilterForm
from cqp.forms import FastSelect, HabilitationFilterForm
from cqp.models import Organisation
from cqp.permissions import is_secretariat
from cqp.selectors import managed_organisation_list
from jury.enums import CertificateKind
from jury.models import JurySession

from . import selectors

MAX_PK = 2**63 - 1


def _organisations(user):
    return managed_organisation_list(user=user)


class ScopedFilterForm(forms.Form):
    """A GET filter form that knows its user, and names an organisation by its slug."""

    organisation = forms.SlugField(label=_("Organisation"), required=False, max_length=100)

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user

    def clean_organisation(self) -> Organisation | None:
        slug = self.cleaned_data["organisation"]
        if not slug:
            return None
        return get_object_or_404(_organisations(self.user), slug=slug)

    def recorded(self) -> dict:
        """The filters as they are recorded with an export: what was asked, as text."""
        return {
            name: str(getattr(value, "slug", None) or getattr(value, "pk", None) or value)
            for name, value in self.cleaned_data.items()
            if value not in (None, "")
        }


class CandidacyExportFilterForm(ScopedFilterForm, CandidacyFilterForm):
    """The filters of /candidatures/ (step, pathway, candidate), and the organisation."""


class HolderFilterForm(ScopedFilterForm):
    q = forms.CharField(
        label=_("Titulaire"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Nom ou numéro")}),
    )
    kind = forms.ChoiceField(
        label=_("Document"),
        required=False,
        choices=[
            ("", _("Certificats et attestations")),
            (CertificateKind.CERTIFICAT, _("Certificats (validation totale)")),
            (CertificateKind.ATTESTATION, _("Attestations (validation partielle)")),
        ],
    )
    status = forms.ChoiceField(
        label=_("Statut"),
        required=False,
        choices=[
            ("", _("Valides et révoqués")),
            (selectors.VALID, _("Valides")),
            (selectors.REVOKED, _("Révoqués")),
        ],
    )
    session = forms.CharField(label=_("Session du jury"), required=False, max_length=20)
    organisation = forms.SlugField(label=_("Organisation"), required=False, max_length=100)

    field_order = ["q", "kind", "status", "session", "organisation"]

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, user=user, **kwargs)
        # Long lists at scale (every session, every organisation): written by FastSelect.
        # The sessions' keys and dates only (250 at 100,000 candidacies), named as they are.
        sessions = list(selectors.holder_sessions(user=self.user).values_list("pk", "date"))
        names = JurySession.names_on([date for _pk, date in sessions])
        self.fields["session"].widget = FastSelect(
            choices=[("", _("Toutes les sessions"))]
            + [(pk, name) for (pk, _date), name in zip(sessions, names, strict=True)]
        )
        organisations = list(_organisations(user).values_list("slug", "name"))
        if len(organisations) > 1:
            self.fields["organisation"].widget = FastSelect(
                choices=[("", _("Toutes les organisations")), *organisations]
            )
        else:
            self.fields["organisation"].widget = forms.HiddenInput()

    def clean_session(self) -> JurySession | None:
        value = self.cleaned_data["session"].strip()
        if not value:
            return None
        if not value.isdigit() or int(value) > MAX_PK:
            raise forms.ValidationError(_("Choisissez une session dans la liste."))
        visible = (
            JurySession.objects.all()
            if is_secretariat(self.user)
            else selectors.holder_sessions(user=self.user)
        )
        return get_object_or_404(visible, pk=int(value))


class NoFilterForm(ScopedFilterForm):
    """The sessions list has no filters: the export takes none (an organisation 404s)."""

    def clean_organisation(self):
        if self.cleaned_data["organisation"]:
            raise Http404
        return None


class HabilitationExportFilterForm(NoFilterForm, HabilitationFilterForm):
    """The filters of /habilitations/ (person, kind, status); no organisation."""
