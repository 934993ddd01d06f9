from django import forms
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from cqp.forms import DateInput
from cqp.models import Competence

from .enums import ActionKind, ReperageStatus

TEXT_MAX_LENGTH = 2000
UNANSWERED = _("Indiquez si cet élément est acquis ou à développer.")


class ReperageForm(forms.Form):
    """The livret de repérage: three fields per element of every competence of the certification.

    `competences` comes from `selectors.reperage_competences`, each element carrying its
    entry (or None). A newcomer has developed none of the competences yet, so an element
    not assessed yet starts as « à développer ».
    """

    expected_state = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, competences, candidacy, **kwargs):
        super().__init__(*args, initial={"expected_state": candidacy.state}, **kwargs)
        self.competences = competences
        for element in self._elements():
            entry = element.entry
            if entry is not None:
                status = entry.status
            else:
                status = ReperageStatus.A_DEVELOPPER if candidacy.is_newcomer else ""
            self.fields[f"status_{element.pk}"] = forms.ChoiceField(
                # The legend shows code and title; the label names the element in the
                # error summary.
                label=f"{element.code} {element.title}",
                choices=ReperageStatus.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=status,
            )
            self.fields[f"comment_{element.pk}"] = self._text_field(
                _("Commentaire"), entry.comment if entry else ""
            )
            self.fields[f"need_{element.pk}"] = self._text_field(
                _("Besoin en formation"), entry.training_need if entry else ""
            )

    @staticmethod
    def _text_field(label, initial):
        return forms.CharField(
            label=label,
            required=False,
            max_length=TEXT_MAX_LENGTH,
            initial=initial,
            widget=forms.Textarea(attrs={"rows": 2}),
        )

    def _elements(self):
        return [element for c in self.competences for element in c.elements.all()]

    def _bound_fields(self, element):
        return [self[f"{prefix}_{element.pk}"] for prefix in ("status", "comment", "need")]

    def rows(self) -> list[dict]:
        """Per competence, its elements with their bound fields, in the order of the référentiel."""
        rows = []
        for competence in self.competences:
            items = []
            for element in competence.elements.all():
                status, *texts = fields = self._bound_fields(element)
                items.append(
                    {
                        "element": element,
                        "status": status,
                        "texts": texts,
                        "has_errors": any(field.errors for field in fields),
                    }
                )
            rows.append({"competence": competence, "elements": items})
        return rows

    def elements_with_errors(self) -> list:
        return [
            element
            for element in self._elements()
            if any(field.errors for field in self._bound_fields(element))
        ]

    def mark_unanswered(self) -> list:
        """Mark each element left without « acquis » or « à développer » (completing the
        repérage was refused for them), and return them."""
        unanswered = [
            element
            for element in self._elements()
            if not self.cleaned_data.get(f"status_{element.pk}")
        ]
        for element in unanswered:
            self.add_error(f"status_{element.pk}", UNANSWERED)
        return unanswered

    def entries(self) -> dict[int, dict]:
        """What `services.reperage_save` expects; untouched elements without an entry are left out."""
        entries = {}
        for element in self._elements():
            data = {
                "status": self.cleaned_data[f"status_{element.pk}"],
                "comment": self.cleaned_data[f"comment_{element.pk}"],
                "training_need": self.cleaned_data[f"need_{element.pk}"],
            }
            if element.entry is not None or any(data.values()):
                entries[element.pk] = data
        return entries


ACTION_FIELDS = ["kind", "provider", "description", "start_date", "end_date", "done"]


class ParcoursActionForm(forms.Form):
    """An action of the parcours. A plain form, not a ModelForm: the service is the only writer
    and owns the date check, so its message shows next to the end date."""

    kind = forms.ChoiceField(
        label=_("Type d'action"),
        choices=ActionKind.choices,
        initial=ActionKind.FORMATION,
        widget=forms.RadioSelect,
    )
    provider = forms.CharField(
        label=_("Organisme ou tuteur"),
        max_length=200,
        required=False,
        help_text=_("L'organisme de formation, ou le tuteur pour une situation de travail."),
    )
    description = forms.CharField(
        label=_("Contenu"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    start_date = forms.DateField(label=_("Début"), required=False, widget=DateInput())
    end_date = forms.DateField(label=_("Fin"), required=False, widget=DateInput())
    done = forms.BooleanField(label=_("Action réalisée"), required=False)

    def __init__(self, *args, action=None, **kwargs):
        if action is not None:
            kwargs["initial"] = model_to_dict(action, fields=ACTION_FIELDS)
        super().__init__(*args, **kwargs)


class ParcoursActionAddForm(ParcoursActionForm):
    """A further action, for one of the competences already in the current plan."""

    competence = forms.ModelChoiceField(label=_("Compétence"), queryset=Competence.objects.none())

    field_order = ["competence", *ACTION_FIELDS]

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competence"].queryset = Competence.objects.filter(
            pk__in=plan.values("competence_id")
        ).order_by("number")


class PracticeConfirmForm(forms.Form):
    note = forms.CharField(
        label=_("Mise en pratique en entreprise"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Les missions confiées au candidat pour mettre en pratique ses compétences, et la période."
        ),
        error_messages={
            "required": _("Décrivez la mise en pratique (missions confiées, période).")
        },
    )
