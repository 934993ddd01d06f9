"""The secretariat's decision on a VAE request (the review page)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import recevabilite
from .enums import RecevabiliteOutcome

NEEDS_REASON = {RecevabiliteOutcome.DEFAVORABLE, RecevabiliteOutcome.INCOMPLET}


class RecevabiliteDecisionForm(forms.Form):
    """Outcome, reason and, for a request for completion, the items to complete (those of
    candidates.recevabilite for the request's periods); carries the step the page showed."""

    expected_state = forms.CharField(widget=forms.HiddenInput)
    # How many decisions the page showed: a request sent back and submitted again since
    # holds more (candidates.services_recevabilite.resubmitted_meanwhile).
    seen_decisions = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    outcome = forms.ChoiceField(
        label=_("Votre décision"),
        choices=RecevabiliteOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez une décision.")},
    )
    reason = forms.CharField(
        label=_("Motif"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Obligatoire pour un avis défavorable ou une demande de compléments. Il figure dans "
            "le courrier adressé au candidat."
        ),
    )
    items = forms.MultipleChoiceField(
        label=_("Éléments à compléter (demande de compléments)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Cochez chaque élément que le candidat doit compléter : ils lui sont signalés dans "
            "sa partie 2."
        ),
    )

    def __init__(self, *args, experiences, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = recevabilite.completion_items(experiences)

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome in NEEDS_REASON and not data.get("reason", "").strip():
            self.add_error(
                "reason",
                _(
                    "Indiquez le motif : il est obligatoire pour un avis défavorable ou une "
                    "demande de compléments."
                ),
            )
        if outcome == RecevabiliteOutcome.INCOMPLET and not data.get("items"):
            self.add_error("items", _("Cochez au moins un élément à compléter."))
        if outcome != RecevabiliteOutcome.INCOMPLET:
            data["items"] = []
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "outcome": data["outcome"],
            "reason": data["reason"],
            "items": data["items"],
            "expected_state": data["expected_state"],
            "seen_decisions": data.get("seen_decisions"),
        }

    def item_labels(self) -> list[str]:
        chosen = set(self.cleaned_data.get("items") or ())
        return [label for code, label in self.fields["items"].choices if code in chosen]
