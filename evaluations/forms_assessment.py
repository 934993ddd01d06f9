"""Forms of the evaluators' pages: opinion, joint result, signature, observation.

Several competences share one page, each with its own forms: `auto_id` keeps the HTML
ids unique while the field names stay plain, as each form posts to its own URL.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from cqp.forms import DateInput
from cqp.models import Competence

from .enums import Opinion, SituationKind

COMMENT_MAX_LENGTH = 3000


def _auto_id(kind, assessment):
    return f"id_{kind}{assessment.pk}_%s"


def _opinion_field(label) -> forms.ChoiceField:
    """« acquise » or « non acquise », as radio buttons: an evaluator's opinion or the joint result."""
    return forms.ChoiceField(
        label=label,
        choices=Opinion.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez « acquise » ou « non acquise ».")},
    )


class OpinionForm(forms.Form):
    opinion = _opinion_field(_("Votre avis"))
    comment = forms.CharField(
        label=_("Votre commentaire"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, assessment, role=None, **kwargs):
        # Prefilled with the evaluator's own opinion only, never the other's.
        if role is not None:
            kwargs.setdefault(
                "initial",
                {
                    "opinion": getattr(assessment, f"{role}_opinion"),
                    "comment": getattr(assessment, f"{role}_comment"),
                },
            )
        super().__init__(*args, auto_id=_auto_id("opinion", assessment), **kwargs)


class FinalForm(forms.Form):
    result = _opinion_field(_("Résultat commun"))
    comment = forms.CharField(
        label=_("Motivation du résultat commun"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Motivez le résultat commun retenu.")},
    )

    def __init__(self, *args, assessment, **kwargs):
        kwargs.setdefault(
            "initial", {"result": assessment.final_result, "comment": assessment.final_comment}
        )
        super().__init__(*args, auto_id=_auto_id("final", assessment), **kwargs)


class SignForm(forms.Form):
    password = forms.CharField(
        label=_("Votre mot de passe (signature)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Vous signez le résultat commun de cette compétence en votre nom."),
    )

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, auto_id=_auto_id("sign", assessment), **kwargs)


class ObservationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type de situation"), choices=SituationKind.choices, initial=SituationKind.OBSERVEE
    )
    competence = forms.ModelChoiceField(
        label=_("Compétence"),
        queryset=Competence.objects.none(),
        required=False,
        empty_label=_("— Plusieurs compétences ou aucune en particulier —"),
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    context = forms.CharField(label=_("Contexte"), max_length=300)
    observed = forms.CharField(
        label=_("Ce qui a été observé ou analysé"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, auto_id="id_observation_%s", **kwargs)
        self.fields["competence"].queryset = dossier.competences.order_by("number")


class ResumeParcoursForm(forms.Form):
    comment = forms.CharField(
        label=_("Commentaire (facultatif)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Inscrit à l'historique de la candidature."),
    )
