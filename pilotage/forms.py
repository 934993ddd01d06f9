import datetime
from typing import NamedTuple

from django import forms
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from candidates.enums import Pathway
from cqp.forms import FastSelect
from cqp.models import Certification, OrganisationKind

from .stats import Filters, default_period

# Dates outside these bounds are typing errors (and would overflow the previous period).
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2099, 12, 31)
MAX_YEARS = 10
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class OrganisationChoice(NamedTuple):
    """An organisation the filter offers."""

    pk: int
    slug: str
    name: str


class _Pairs(BaseChoiceIterator):
    """Choices given as (value, label) pairs already: Django normalises a plain list pair
    by pair, recursively (1.3 ms for the 400 organisations at 100,000 candidacies); a
    choice iterator it takes as it is."""

    def __init__(self, pairs):
        self.pairs = pairs

    def __iter__(self):
        return iter(self.pairs)


class PilotageFilterForm(forms.Form):
    """The page's filters (GET): the period, then which candidacies count. `organisations`:
    those the user may see (the view answers 404 to a slug outside them)."""

    start = forms.DateField(
        label=_("Du"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=_("Au"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    certification = forms.ModelChoiceField(
        label=_("Certification"),
        required=False,
        queryset=Certification.objects.order_by("code"),
        to_field_name="code",
        empty_label=_("Toutes les certifications"),
        widget=FastSelect,
    )
    pathway = forms.ChoiceField(
        label=_("Voie"), required=False, choices=[("", _("Toutes les voies"))] + Pathway.choices
    )
    # Every organisation for the secretariat (400 at 100,000 candidacies): written without a
    # template per option (cqp.forms.FastSelect), the same HTML.
    organisation = forms.ChoiceField(label=_("Organisation"), required=False, widget=FastSelect)
    kind = forms.ChoiceField(
        label=_("Type d'organisation"),
        required=False,
        choices=[("", _("Tous les types"))] + OrganisationKind.choices,
    )

    def __init__(self, *args, organisations, secretariat: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {o.slug: o for o in organisations}
        self.secretariat = secretariat
        # Labelled before the choices are set: the widget keeps its own copy of them (the
        # secretariat was offered « Toutes vos organisations »).
        every = _("Toutes les organisations") if secretariat else _("Toutes vos organisations")
        self.fields["organisation"].choices = _Pairs(
            [("", every)] + [(slug, o.name) for slug, o in self.organisations.items()]
        )
        if not secretariat:
            del self.fields["kind"]
        self.default_start, self.default_end = default_period(timezone.localdate())
        self.fields["start"].help_text = _("Par défaut : le %(day)s.") % {
            "day": self.default_start.strftime("%d/%m/%Y")
        }
        self.fields["end"].help_text = _("Par défaut : aujourd'hui.")
        # « Du » and « Au » read beside each other; the error summary names them in full.
        self.fields["start"].summary_label = _("Date de début")
        self.fields["end"].summary_label = _("Date de fin")

    def _clean_bounds(self, name):
        day = self.cleaned_data.get(name)
        if day is not None and not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(
                _("Indiquez une date entre le %(first)s et le %(last)s.")
                % {"first": EARLIEST.strftime("%d/%m/%Y"), "last": LATEST.strftime("%d/%m/%Y")}
            )
        return day

    def clean_start(self):
        return self._clean_bounds("start")

    def clean_end(self):
        return self._clean_bounds("end")

    def clean(self):
        data = super().clean()
        if "start" not in data or "end" not in data:
            return data
        start = data["start"] or self.default_start
        end = data["end"] or self.default_end
        if end < start:
            self.add_error(
                "end",
                _(
                    "La date de fin (%(end)s) est antérieure à la date de début (%(start)s) : "
                    "indiquez une date de fin postérieure ou égale."
                )
                % {"end": end.strftime("%d/%m/%Y"), "start": start.strftime("%d/%m/%Y")},
            )
        elif (end - start).days > MAX_YEARS * 366:
            self.add_error(
                "end",
                _("La période ne peut pas dépasser %(years)d ans.") % {"years": MAX_YEARS},
            )
        data["start"], data["end"] = start, end
        return data

    def filters(self) -> Filters:
        """The valid form's filters, restricted to the user's organisations."""
        data = self.cleaned_data
        organisation = self.organisations.get(data.get("organisation") or "")
        certification = data.get("certification")
        return Filters(
            start=data["start"],
            end=data["end"],
            certification_id=certification.pk if certification else None,
            pathway=data.get("pathway") or "",
            organisation_id=organisation.pk if organisation else None,
            organisation_kind=data.get("kind") or "",
            allowed_organisation_ids=(
                None if self.secretariat else tuple(o.pk for o in self.organisations.values())
            ),
        )
