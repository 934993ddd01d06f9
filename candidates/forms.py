from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cqp.forms import EmailField
from cqp.models import HabilitationKind, Organisation, User
from cqp.selectors import habilitated_users

from . import selectors
from .enums import Pathway, State


class CandidacyFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Candidat"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Nom ou e-mail")}),
        help_text=_(
            "Avec une ou deux lettres, la recherche porte sur le début du nom, du prénom ou "
            "de l'e-mail."
        ),
    )
    state = forms.ChoiceField(
        label=_("Étape"), required=False, choices=[("", _("Toutes les étapes"))] + State.choices
    )
    pathway = forms.ChoiceField(
        label=_("Voie"), required=False, choices=[("", _("Toutes les voies"))] + Pathway.choices
    )


class RecevabiliteQueueFilterForm(forms.Form):
    """Which VAE requests the secretariat's queue shows (a GET form: links keep the choice)."""

    show = forms.ChoiceField(label=_("Demandes affichées"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = settings.VAE_DECISION_REMINDER_DAYS
        self.fields["show"].choices = [
            ("", _("Toutes les demandes")),
            (
                selectors.DUE_SOON,
                ngettext("À échéance sous %(days)d jour", "À échéance sous %(days)d jours", days)
                % {"days": days},
            ),
            (selectors.OVERDUE, _("En retard")),
            (selectors.RESUBMITTED, _("Nouvelles soumissions")),
        ]

    def selected(self) -> str:
        """The view asked for: one of selectors' DUE_SOON, OVERDUE, RESUBMITTED, or all."""
        return self.cleaned_data.get("show", "") if self.is_valid() else ""


class ParcoursCandidacyForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    email = EmailField(label=_("Adresse e-mail du salarié"))
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    is_newcomer = forms.BooleanField(
        label=_("Nouvel arrivant dans le métier"),
        required=False,
        help_text=_(
            "Cochez si la personne n'a encore développé aucune compétence du CQP : son parcours les couvrira toutes."
        ),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class AssignmentForm(forms.Form):
    professionnel = forms.ModelChoiceField(
        label=_("Professionnel du secteur"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— Non affecté —"),
    )
    evaluateur = forms.ModelChoiceField(
        label=_("Évaluateur externe"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— Non affecté —"),
    )

    def __init__(self, *args, day, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["professionnel"].queryset = habilitated_users(
            kind=HabilitationKind.PROFESSIONNEL, day=day
        ).order_by("last_name", "first_name")
        self.fields["evaluateur"].queryset = habilitated_users(
            kind=HabilitationKind.EVALUATEUR, day=day
        ).order_by("last_name", "first_name")
        self.fields["professionnel"].help_text = _(
            "Seules les personnes dont l'habilitation est valide aujourd'hui sont proposées."
        )
        self.fields["evaluateur"].help_text = _(
            "Extérieur à l'organisation du candidat : ni l'un de ses membres, ni le "
            "professionnel du secteur."
        )


class TransitionForm(forms.Form):
    """Confirms a transition; carries the state the user saw, so a concurrent change is
    detected, the reason or comment the transition's interface (`ui`) asks for, and the
    sworn statement it asks to tick (required: unticked, nothing is sent)."""

    expected_state = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
    )

    sworn = forms.BooleanField(
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "checkbox--large"}),
        error_messages={
            "required": _(
                "Cochez la déclaration sur l'honneur : votre demande ne peut pas être envoyée sans elle."
            )
        },
    )

    def __init__(self, *args, ui, **kwargs):
        super().__init__(*args, **kwargs)
        self.ui = ui
        if ui.attestation:
            self.fields["sworn"].required = True
            self.fields["sworn"].label = ui.attestation
        else:
            del self.fields["sworn"]
        if not (ui.reason_label or ui.comment_allowed):
            del self.fields["comment"]
        if ui.reason_label:
            self.fields["comment"].required = True
            self.fields["comment"].label = ui.reason_label
            self.fields["comment"].error_messages["required"] = _(
                "Indiquez le motif : il est obligatoire pour cette action."
            )

    def service_kwargs(self) -> dict:
        """expected_state, the comment when the transition takes one, and the sworn
        statement when it asks for one."""
        kwargs = {"expected_state": self.cleaned_data["expected_state"]}
        if self.ui.reason_label or self.ui.comment_allowed:
            kwargs["comment"] = self.cleaned_data["comment"]
        if self.ui.attestation:
            kwargs["sworn"] = self.cleaned_data["sworn"]
        return kwargs
