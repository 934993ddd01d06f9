"""Forms of the VAE dossier. They only shape input: the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cqp import uploads
from cqp.forms import DateInput, EmailField, NewAccountForm
from cqp.forms_upload import UploadForm
from cqp.models import Competence, Organisation, OrganisationKind

from .enums import ProofKind
from .services_vae import FILE_NOT_JOINED


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.city})" if obj.city else obj.name


class HostOrganisationForm(forms.Form):
    organisation = OrganisationChoiceField(
        label=_("Structure d'accueil de l'évaluation"),
        queryset=Organisation.objects.filter(
            is_active=True,
            kind__in=[OrganisationKind.ORGANISME_FORMATION, OrganisationKind.ENTREPRISE],
        ).order_by("name"),
        required=False,
        empty_label=_("Aucune — rattachement direct à la CPEF"),
        help_text=_(
            "L'entreprise ou l'organisme de formation où se déroulera l'évaluation de vos "
            "compétences. Sans structure d'accueil, votre demande est suivie directement par la CPEF."
        ),
    )


class VaeSignupForm(NewAccountForm, HostOrganisationForm):
    email = EmailField(
        label=_("Adresse e-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    field_order = ["email", "first_name", "last_name", "password1", "password2", "organisation"]


class VaeRequestForm(forms.Form):
    """Partie 2, presentation. Every field may stay empty in a draft; submission checks them."""

    current_situation = forms.CharField(
        label=_("Situation actuelle"),
        max_length=200,
        required=False,
        help_text=_(
            "Par exemple : salariée en CDI, en recherche d'emploi, travailleur indépendant."
        ),
    )
    current_job_title = forms.CharField(
        label=_("Emploi actuel"),
        max_length=200,
        required=False,
        help_text=_("Intitulé de votre poste actuel, ou du dernier poste occupé."),
    )
    education = forms.CharField(
        label=_("Formation et diplômes"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Diplômes, titres et formations suivies, avec leur année."),
    )
    motivation = forms.CharField(
        label=_("Motivation de la demande"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Pourquoi demandez-vous le CQP Assistant(e) de formation par la VAE ?"),
    )


YES_NO = [("True", _("Oui")), ("False", _("Non"))]


class VaeExperienceForm(forms.Form):
    employer = forms.CharField(label=_("Employeur"), max_length=200)
    job_title = forms.CharField(label=_("Emploi occupé"), max_length=200)
    start_date = forms.DateField(label=_("Date de début"), widget=DateInput())
    end_date = forms.DateField(
        label=_("Date de fin"),
        required=False,
        widget=DateInput(),
        help_text=_("Laissez vide si vous occupez toujours cet emploi (en cours)."),
    )
    is_relevant = forms.TypedChoiceField(
        label=_("Cette expérience est-elle en rapport avec le CQP ?"),
        choices=YES_NO,
        coerce=lambda value: value == "True",
        widget=forms.RadioSelect(attrs={"class": "choice-inline"}),
        help_text=_(
            "Oui si les activités exercées relèvent du métier d'assistant(e) de formation : "
            "seules ces périodes comptent pour la durée d'expérience requise."
        ),
    )
    activities = forms.CharField(
        label=_("Principales activités"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    working_time = forms.IntegerField(
        label=_("Temps de travail, en pourcentage d'un temps plein"),
        initial=100,
        min_value=1,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input--short"}),
        help_text=_(
            "100 pour un temps plein ; pour un temps partiel, le pourcentage d'un temps plein "
            "(par exemple 80). Il est indiqué au secrétariat de la CPEF ; la durée d'expérience "
            "compte la durée de la période, quel que soit le temps de travail."
        ),
        error_messages={
            "required": _("Indiquez le temps de travail : 100 pour un temps plein."),
            "invalid": _("Indiquez un pourcentage entre 1 et 100 (100 : temps plein)."),
            "min_value": _("Indiquez un pourcentage entre 1 et 100 (100 : temps plein)."),
            "max_value": _("Indiquez un pourcentage entre 1 et 100 (100 : temps plein)."),
        },
    )

    field_order = [
        "employer",
        "job_title",
        "start_date",
        "end_date",
        "working_time",
        "is_relevant",
        "activities",
    ]


class CompetenceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.title}"


class VaeActivityForm(forms.Form):
    competence = CompetenceChoiceField(
        label=_("Compétence"),
        queryset=Competence.objects.none(),
        empty_label=_("— Choisissez une compétence —"),
        error_messages={
            "invalid_choice": _("Choisissez une des compétences qui restent à valider."),
        },
    )
    title = forms.CharField(label=_("Activité"), max_length=300)
    context = forms.CharField(
        label=_("Contexte"),
        max_length=300,
        required=False,
        help_text=_("Employeur et période où vous avez réalisé cette activité."),
    )
    description = forms.CharField(
        label=_("Description de ce que vous avez réalisé"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Décrivez concrètement ce que vous avez fait, avec quels outils et pour qui."),
    )

    def __init__(self, *args, competences, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competence"].queryset = competences


class VaeProofForm(UploadForm):
    """A proof for the request itself or for one period: the kinds offered are those the
    certification takes at that place (the service checks them again)."""

    kind = forms.ChoiceField(label=_("Nature du justificatif"))
    file = forms.FileField(
        label=_("Fichier"),
        # The service refuses empty files with its own message, like every other refusal.
        allow_empty_file=True,
        widget=forms.FileInput(attrs={"accept": uploads.accept_attribute(uploads.EVERY_KIND)}),
        error_messages={"required": _("Choisissez un fichier.")},
    )

    def __init__(self, *args, kinds, refusal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, ProofKind(k).label) for k in kinds]
        self.fields["kind"].error_messages["invalid_choice"] = refusal
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0]
        self.fields["file"].help_text = _(
            "Formats acceptés : %(formats)s. %(size)d Mo au maximum par fichier."
        ) % {
            "formats": uploads.labels(uploads.EVERY_KIND),
            "size": uploads.MAX_SIZE // (1024 * 1024),
        }

    def clean(self):
        cleaned_data = super().clean()
        if self.errors and "file" not in self.errors and cleaned_data.get("file"):
            # A browser cannot be given the file back: say so where the user looks for it.
            self.add_error("file", FILE_NOT_JOINED)
        return cleaned_data
