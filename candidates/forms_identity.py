"""The civil identity form, the same for the candidate and the secretariat. It shapes input;
what must be filled in and what is plausible is the service's (candidates.services_identity),
whose errors come back next to the fields (the date of birth's is also said here, beside the
other fields' errors)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cqp.forms import DateInput

from .enums import Civility
from .models import Candidate
from .services_identity import FIELDS, birth_date_error


class IdentityForm(forms.ModelForm):
    civility = forms.ChoiceField(
        label=_("Civilité"),
        required=False,
        choices=[("", _("Ne pas préciser"))] + Civility.choices,
        help_text=_("Facultatif."),
    )

    class Meta:
        model = Candidate
        fields = list(FIELDS)
        labels = {
            "birth_name": _("Nom de naissance"),
            "used_name": _("Nom d'usage"),
            "first_names": _("Prénoms"),
            "birth_date": _("Date de naissance"),
            "birth_place": _("Commune de naissance"),
            "birth_country": _("Pays de naissance"),
        }
        help_texts = {
            "birth_name": _("Le nom inscrit sur votre acte de naissance."),
            "used_name": _(
                "Seulement s'il diffère du nom de naissance (nom d'époux ou d'épouse, par "
                "exemple) : le certificat porte alors les deux."
            ),
            "birth_place": _(
                "Pour une naissance à Paris, Lyon ou Marseille, précisez l'arrondissement."
            ),
        }
        widgets = {
            "birth_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "used_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "first_names": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "birth_date": DateInput(attrs={"autocomplete": "bday"}),
            "birth_place": forms.TextInput(attrs={"autocomplete": "off"}),
            "birth_country": forms.TextInput(attrs={"autocomplete": "country-name"}),
        }

    def __init__(self, *args, own=True, **kwargs):
        """`own`: the candidate fills in their own identity (errors say « vous »), else the
        secretariat does (errors name the candidate)."""
        super().__init__(*args, **kwargs)
        self.own = own
        for name in Candidate.IDENTITY_FIELDS:
            self.fields[name].required = True

    def clean_birth_date(self):
        # Said beside the other fields' errors, rather than after they are corrected.
        day = self.cleaned_data.get("birth_date")
        of = None if self.own else str(self.instance)
        problem = birth_date_error(day, today=timezone.localdate(), of=of)
        if problem:
            raise forms.ValidationError(problem)
        return day

    def _post_clean(self):
        # The model is validated by the service, under its lock: the form only parses.
        pass
