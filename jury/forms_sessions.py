"""Forms of the jury sessions pages: programming and editing, cancellation, composition,
attendance, revocation.

They shape and parse input only; the rules (both colleges, quorum, state of the candidacy)
belong to the services, whose errors come back next to the fields.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from cqp.forms import DateInput

from .enums import College
from .models import JuryMember


def _name(member) -> str:
    return member.user.get_full_name() or member.user.email


def _with_mandate(member) -> str:
    """The member, their mandating organisation and the dates of their mandate."""
    if member.mandate_start is None or member.mandate_end is None:
        return _("%(name)s — aucun mandat enregistré") % {"name": _name(member)}
    dates = {
        "name": _name(member),
        "organisation": member.mandating_organisation,
        "start": member.mandate_start.strftime("%d/%m/%Y"),
        "end": member.mandate_end.strftime("%d/%m/%Y"),
    }
    if member.mandating_organisation is None:
        return _("%(name)s — mandat du %(start)s au %(end)s") % dates
    return _("%(name)s — %(organisation)s, mandat du %(start)s au %(end)s") % dates


def _by_college(members, label=_name) -> list:
    """Choices grouped by college (the checkboxes render one group per college)."""
    return [
        (title, [(m.pk, label(m)) for m in members if m.college == college])
        for college, title in College.choices
        if any(m.college == college for m in members)
    ]


class SessionForm(forms.Form):
    date = forms.DateField(label=_("Date de la session"), widget=DateInput())
    start_time = forms.TimeField(
        label=_("Heure de début"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    place = forms.CharField(label=_("Lieu"), max_length=200, required=False)
    video_link = forms.URLField(
        label=_("Lien de visioconférence"),
        required=False,
        assume_scheme="https",
        help_text=_("Indiquez un lieu, un lien de visioconférence, ou les deux."),
    )

    @classmethod
    def of(cls, session, data=None):
        """The form of an existing session: its values, or those posted."""
        fields = ("date", "start_time", "place", "video_link")
        return cls(data, initial={name: getattr(session, name) for name in fields})


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'annulation"),
        help_text=_("Il est communiqué aux membres convoqués et aux candidats inscrits."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class ComposeForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        JuryMember.objects.none(),
        label=_("Membres convoqués"),
        help_text=_("Seuls siègent les membres dont le mandat couvre la date de la session."),
        widget=forms.CheckboxSelectMultiple,
    )
    president = forms.ModelChoiceField(
        JuryMember.objects.none(),
        label=_("Présidence de la séance"),
        empty_label=_("Choisissez parmi les membres convoqués"),
        required=False,
    )

    def __init__(self, *args, session, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "members": [seat.member_id for seat in session.seats.all()],
                "president": session.president_id,
            },
        )
        super().__init__(*args, **kwargs)
        queryset = JuryMember.objects.filter(is_active=True).select_related(
            "user", "mandating_organisation"
        )
        for name in ("members", "president"):
            self.fields[name].queryset = queryset
        active = list(queryset)
        # Choices set by hand only change the display: posted ids are still checked
        # against the queryset.
        self.fields["members"].choices = _by_college(active, label=_with_mandate)
        self.fields["president"].choices = [("", self.fields["president"].empty_label)] + [
            (m.pk, str(m)) for m in active
        ]


class OpenForm(forms.Form):
    """The attendance the president (or the secretariat) records to open the session: nobody
    is ticked beforehand. The page says, as boxes are ticked, whether the quorum and the
    parity hold (static/js/attendance.js reads the colleges from `attendance_data`); the
    service's check on submission stays the rule."""

    present = forms.ModelMultipleChoiceField(
        JuryMember.objects.none(),
        label=_("Membres présents"),
        help_text=_(
            "Cochez les membres présents. Il faut au moins un membre de chaque collège "
            "et le président ou la présidente."
        ),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = JuryMember.objects.filter(seats__session=session).select_related("user")
        field = self.fields["present"]
        field.queryset = queryset
        seated = list(queryset)
        field.choices = _by_college(seated)
        self.attendance_data = {
            "employeurs": " ".join(str(m.pk) for m in seated if m.college == College.EMPLOYEURS),
            "salaries": " ".join(str(m.pk) for m in seated if m.college == College.SALARIES),
            "president": session.president_id or "",
        }


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de la révocation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
