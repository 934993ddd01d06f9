"""Forms of the jury sessions pages: programming, composition, agenda, attendance, revocation.

They shape and parse input only; the rules (both colleges, quorum, state of the candidacy)
belong to the services, whose errors come back next to the fields.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from candidates.enums import State
from candidates.models import Candidacy
from candidates.selectors import candidacy_list, candidacy_queryset
from cqp.forms import DateInput

from .enums import College
from .models import Deliberation, JuryMember


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
    place = forms.CharField(label=_("Lieu"), max_length=200, required=False)
    video_link = forms.URLField(
        label=_("Lien de visioconférence"),
        required=False,
        assume_scheme="https",
        help_text=_("Indiquez un lieu, un lien de visioconférence, ou les deux."),
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
        label=_("Président(e) de séance"),
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


def _awaiting_session(user):
    """Transmitted candidacies that wait on no session yet."""
    pending = Deliberation.objects.filter(decided_at__isnull=True).values("candidacy_id")
    return (
        candidacy_list(user=user, state=State.JURY)
        .exclude(pk__in=pending)
        .order_by("candidate__user__last_name", "candidate__user__first_name", "pk")
    )


class AgendaForm(forms.Form):
    candidacy = forms.ModelChoiceField(
        Candidacy.objects.none(),
        label=_("Candidature transmise au jury"),
        empty_label=_("Choisissez une candidature"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["candidacy"]
        # Any candidacy the user may see is accepted here, so that one returned to the
        # evaluation or placed elsewhere since the page was shown gets the service's reason.
        field.queryset = candidacy_queryset(user=user)
        field.choices = [("", field.empty_label)] + [
            (c.pk, f"{c.candidate} — {c.organisation} ({c.get_pathway_display()})")
            for c in _awaiting_session(user)
        ]

    @property
    def has_choices(self) -> bool:
        return len(self.fields["candidacy"].choices) > 1


class OpenForm(forms.Form):
    present = forms.ModelMultipleChoiceField(
        JuryMember.objects.none(),
        label=_("Membres présents"),
        help_text=_(
            "Décochez les membres absents. Il faut au moins un membre de chaque collège "
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
        field.initial = [m.pk for m in seated]


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de la révocation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
