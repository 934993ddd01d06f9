"""The filters of the exports and of the list of holders: those of the list each export comes
from, plus the organisation (and, for the holders, the session) it is about.

An organisation or a session the user may not see answers 404, never an empty list or an
empty export, which would say that it exists; a value that is not even a number or a slug is
an error shown next to its field.
"""

from django import forms
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from candidates.forms import CandidacyFilterForm
from cqp.forms import DateInput, HabilitationFilterForm
from cqp.models import Organisation
from cqp.permissions import is_secretariat
from cqp.selectors import managed_organisation_list
from cqp.utils import join_phrases
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


# How many organisations a search of the holders' filter suggests, and names in its error.
ORGANISATIONS_SUGGESTED = 10


def organisations_named(user, text: str):
    """The organisations `user` sees whose name holds `text` (any case), by name."""
    return _organisations(user).filter(name__icontains=text.strip()).order_by("name")


class HolderFilterForm(ScopedFilterForm):
    """The holders' filters. The session and the organisation are typed, not chosen from
    lists: at 100,000 candidacies, 250 sessions and 400 organisations had issued
    certificates, and their two drop-downs were most of the page. The session is the day it
    sat (`session_date`); the organisation, its name or a part of it (`organisation_name`,
    suggested as it is typed: pilotage.views_exports.organisation_suggestions). A link or an
    export names them by key: `session` (a session's id) and `organisation` (a slug), which
    answer 404 when the user may not see them."""

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
    session_date = forms.DateField(
        label=_("Session du jury du"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Saisissez une date, par exemple 15/06/2026.")},
    )
    organisation_name = forms.CharField(
        label=_("Organisation"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Nom de l'organisation"),
                "autocomplete": "off",
                "list": "organisations-suggerees",
            }
        ),
    )
    session = forms.CharField(
        label=_("Session du jury"), required=False, max_length=20, widget=forms.HiddenInput()
    )
    organisation = forms.SlugField(
        label=_("Organisation"), required=False, max_length=100, widget=forms.HiddenInput()
    )

    field_order = ["q", "kind", "status", "session_date", "organisation_name"]

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, user=user, **kwargs)
        # Who sees one organisation has none to name (a gestionnaire's are read with them).
        self.names_organisation = is_secretariat(user) or len(_organisations(user)[:2]) > 1
        if not self.names_organisation:
            del self.fields["organisation_name"]

    def clean_session(self) -> JurySession | None:
        value = self.cleaned_data["session"].strip()
        if not value:
            return None
        if not value.isdigit() or int(value) > MAX_PK:
            raise forms.ValidationError(_("Cette session n'existe pas."))
        visible = (
            JurySession.objects.all()
            if is_secretariat(self.user)
            else JurySession.objects.filter(
                Exists(selectors.holder_queryset(user=self.user).filter(session=OuterRef("pk")))
            )
        )
        return get_object_or_404(visible, pk=int(value))

    def clean_organisation_name(self) -> Organisation | None:
        text = self.cleaned_data["organisation_name"].strip()
        if not text:
            return None
        exact = _organisations(self.user).filter(name__iexact=text).first()
        if exact is not None:
            return exact
        found = list(organisations_named(self.user, text)[:ORGANISATIONS_SUGGESTED])
        if len(found) == 1:
            return found[0]
        if not found:
            raise forms.ValidationError(
                _("Aucune de vos organisations n'a un nom contenant « %(text)s ».") % {"text": text}
            )
        raise forms.ValidationError(
            _(
                "Plusieurs organisations ont un nom contenant « %(text)s », par exemple "
                "%(some)s : précisez le nom."
            )
            % {
                "text": text,
                "some": join_phrases(gettext("« %(name)s »") % {"name": o.name} for o in found[:3]),
            }
        )

    def _post_clean(self):
        super()._post_clean()
        # A field in error points to its message (templates/pilotage/holder_list.html).
        for name in self.errors:
            if name in self.fields and not self.fields[name].widget.is_hidden:
                self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}-error"

    def clean(self):
        cleaned = super().clean()
        # The organisation named, rather than the one a link named by its key.
        if cleaned.get("organisation_name"):
            cleaned["organisation"] = cleaned["organisation_name"]
        cleaned.pop("organisation_name", None)
        return cleaned


class NoFilterForm(ScopedFilterForm):
    """The sessions list has no filters: the export takes none (an organisation 404s)."""

    def clean_organisation(self):
        if self.cleaned_data["organisation"]:
            raise Http404
        return None


class HabilitationExportFilterForm(NoFilterForm, HabilitationFilterForm):
    """The filters of /habilitations/ (person, kind, status); no organisation."""
