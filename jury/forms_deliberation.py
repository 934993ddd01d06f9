"""Forms of the deliberation pages: the session's filters, the fiche de décision, the
public verification of a certificate number.

The fiche only shapes the input: the rules (a motivated non-conformity, a motivation for a
decision that differs from the evaluators' result) belong to jury.services, whose errors
come back next to these fields (`conformity_notes`, `decision_<id>`, `motivation_<id>`).
"""

import re

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from candidates.enums import Pathway
from cqp.forms import FastSelect
from cqp.models import Organisation
from cqp.utils import CompiledQuery

from .enums import Decision, SessionState
from .models import Deliberation, JuryMember


class SessionFilterForm(forms.Form):
    pathway = forms.ChoiceField(
        label=_("Voie"),
        required=False,
        choices=[("", _("Toutes les voies"))] + Pathway.choices,
        widget=FastSelect,
    )
    # The organisation's id: its choices are (id, name) pairs, read without an Organisation
    # per option (a hundred at 100,000 candidacies: 6 ms of the page).
    organisation = forms.TypedChoiceField(
        label=_("Organisation"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    decided = forms.ChoiceField(
        label=_("Décision"),
        required=False,
        choices=[("", _("Toutes")), ("oui", _("Décidées")), ("non", _("À décider"))],
        widget=FastSelect,
    )

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the organisations of the session's candidacies: the filter reveals nothing else.
        self.fields["organisation"].choices = [
            ("", _("Toutes les organisations")),
            *_agenda_organisations(session.pk),
        ]


# Compiled once (cqp.utils.CompiledQuery): the jury's dashboard shows this filter on each page.
_agenda_organisations = CompiledQuery(
    Organisation,
    lambda session_pk: (
        Organisation.objects.filter(
            pk__in=Deliberation.objects.filter(session_id=session_pk).values(
                "candidacy__organisation_id"
            )
        )
        .order_by("name")
        .values_list("pk", "name")
    ),
)


class DeliberationForm(forms.Form):
    """The fiche: the conformity checklist (`check_<code>`, pre-ticked from the computed
    checks, and `note_<code>`), then a decision per competence; any item unticked is a
    non-conformity (the decisions are then moot)."""

    conformity_notes = forms.CharField(
        label=_("Observations sur la conformité"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("En cas de non-conformité, elles sont transmises aux évaluateurs."),
    )
    motivation = forms.CharField(
        label=_("Motivation de la décision"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, competences, prefilled, checks=(), **kwargs):
        """`competences` to decide; `prefilled` maps a competence id to the evaluators' result
        as a decision; `checks`: the checklist as computed (jury.conformity.Check)."""
        super().__init__(*args, **kwargs)
        self.competences = list(competences)
        self.checks = list(checks)
        for check in self.checks:
            self.fields[f"check_{check.code}"] = forms.BooleanField(
                label=check.label, required=False, initial=check.ok
            )
            self.fields[f"note_{check.code}"] = note = forms.CharField(
                label=_("Observation"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Obligatoire si ce point n'est pas conforme."),
            )
            # The error summary names the point: « Observation » alone is repeated per point.
            note.summary_label = format_lazy("{} — {}", _("Observation"), check.label)
        for competence in self.competences:
            self.fields[f"decision_{competence.pk}"] = forms.ChoiceField(
                label=_("Décision du jury"),
                choices=Decision.choices,
                required=False,
                initial=prefilled.get(competence.pk),
                widget=forms.RadioSelect(attrs={"class": "choice-inline"}),
            )
            self.fields[f"motivation_{competence.pk}"] = motivation = forms.CharField(
                label=_("Motivation"),
                required=False,
                max_length=3000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Obligatoire si la décision diffère du résultat des évaluateurs."),
            )
            # The error summary names the competence: these labels repeat per competence.
            decision = self.fields[f"decision_{competence.pk}"]
            decision.summary_label = format_lazy("{} — {}", _("Décision du jury"), competence.code)
            motivation.summary_label = format_lazy("{} — {}", _("Motivation"), competence.code)

    def check_rows(self) -> list[dict]:
        """Each item of the checklist with its two fields and what the computation found."""
        return [
            {
                "check": check,
                "field": self[f"check_{check.code}"],
                "note": self[f"note_{check.code}"],
            }
            for check in self.checks
        ]

    def conform(self) -> bool:
        return all(self.cleaned_data.get(f"check_{c.code}") for c in self.checks)

    def clean(self):
        cleaned = super().clean()
        for check in self.checks:
            note = f"note_{check.code}"
            unticked = not cleaned.get(f"check_{check.code}")
            if unticked and note not in self.errors and not cleaned.get(note, "").strip():
                self.add_error(
                    note, _("Précisez ce qui n'est pas conforme : c'est transmis aux évaluateurs.")
                )
        if self.conform():
            for competence in self.competences:
                if not cleaned.get(f"decision_{competence.pk}"):
                    self.add_error(
                        f"decision_{competence.pk}",
                        _("Choisissez « validée » ou « non validée »."),
                    )
        return cleaned

    def service_kwargs(self) -> dict:
        """The arguments of services.deliberation_record, from the cleaned data."""
        data = self.cleaned_data
        conform = self.conform()
        return {
            "conform": conform,
            "checklist": [
                {"code": c.code, "ok": data[f"check_{c.code}"], "note": data[f"note_{c.code}"]}
                for c in self.checks
            ],
            "conformity_notes": data["conformity_notes"],
            "motivation": data["motivation"],
            "decisions": {
                c.pk: (data[f"decision_{c.pk}"], data[f"motivation_{c.pk}"])
                for c in self.competences
            }
            if conform
            else {},
        }


class NamePresidentForm(forms.Form):
    """The president of one deliberation, among the members seated on its session (present,
    once it is open); the recused ones are listed, and refused by the service."""

    president = forms.ModelChoiceField(
        JuryMember.objects.none(),
        label=_("Président pour cette candidature"),
        empty_label=_("Choisissez un membre"),
        help_text=_("Un membre présent, qui n'est pas récusé sur cette candidature."),
    )

    def __init__(self, *args, deliberation, recused, **kwargs):
        session = deliberation.session
        kwargs.setdefault("initial", {"president": deliberation.president_id})
        super().__init__(*args, **kwargs)
        seats = session.seats.select_related("member__user").order_by("member__user__last_name")
        if session.state == SessionState.OPEN:
            seats = seats.filter(present=True)
        members = [seat.member for seat in seats]
        recused_ids = {r.member.pk for r in recused}
        field = self.fields["president"]
        field.queryset = JuryMember.objects.filter(pk__in=[m.pk for m in members])
        field.choices = [("", field.empty_label)] + [
            (m.pk, _("%(member)s — récusé") % {"member": m} if m.pk in recused_ids else str(m))
            for m in members
        ]


# Certificate numbers are CQP-XXXX-XXXX-XXXX-XXXX (jury.models.certificate_number); anything
# else could not be one, and could not be put back into the page's address either.
NUMBER = re.compile(r"[A-Z0-9-]+")


class VerifyForm(forms.Form):
    """The number of a certificate, as typed on the public page or found in its address."""

    number = forms.CharField(
        label=_("Numéro du certificat"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"placeholder": "CQP-XXXX-XXXX-XXXX-XXXX", "autocomplete": "off"}
        ),
    )

    def clean_number(self):
        number = self.cleaned_data["number"].strip().upper()
        if not NUMBER.fullmatch(number):
            raise forms.ValidationError(
                _(
                    "Un numéro de certificat ne contient que des lettres, des chiffres et des "
                    "tirets, par exemple CQP-1A2B-3C4D-5E6F-7A8B."
                )
            )
        return number
