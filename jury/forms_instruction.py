"""Forms of the secretariat's instruction page: the filter (search, intended session or
date), the placement of the ticked candidacies on a session, the return to the evaluation.

They shape and parse input only; the rules (state, pending session, scope at the session's
date) belong to the services, whose refusals are reported per candidacy.
"""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from candidates.models import Candidacy
from cqp.forms import DateInput

from .models import JurySession


def _session_label(session: JurySession) -> str:
    where = session.place or _("visioconférence")
    return f"{session} — {where} ({session.get_state_display()})"


class _SessionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _session_label(obj)


class InstructionFilterForm(forms.Form):
    """A GET form: which dossiers, checked at which date (the chosen session's, else the
    date typed, else the next session's, else today)."""

    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=100,
        help_text=_("Nom ou e-mail du candidat, organisation."),
    )
    session = _SessionChoice(
        JurySession.objects.none(),
        label=_("Session visée"),
        required=False,
        empty_label=_("Aucune : vérifier à la date ci-dessous"),
    )
    date = forms.DateField(label=_("ou date visée"), required=False, widget=DateInput())

    def __init__(self, data, *, sessions, **kwargs):
        self.sessions = list(sessions)
        if not data.get("session") and not data.get("date") and self.sessions:
            data = data.copy()
            data["session"] = str(self.sessions[0].pk)
        super().__init__(data, **kwargs)
        self.fields["session"].queryset = JurySession.objects.filter(
            pk__in=[s.pk for s in self.sessions]
        )
        self.fields["session"].choices = [("", self.fields["session"].empty_label)] + [
            (s.pk, _session_label(s)) for s in self.sessions
        ]

    def clean_session(self):
        """The session among those listed (already read: no query to find it again)."""
        session = self.cleaned_data.get("session")
        if session is None:
            return None
        return next((s for s in self.sessions if s.pk == session.pk), session)

    def target(self, today: datetime.date) -> tuple[JurySession | None, datetime.date]:
        """The session aimed at (or None) and the date the checks are computed at."""
        data = self.cleaned_data if self.is_valid() else {}
        session = data.get("session")
        if session is not None:
            return session, session.date
        return None, data.get("date") or today

    def search(self) -> str:
        return self.cleaned_data.get("q", "").strip() if self.is_valid() else ""


class PlaceForm(forms.Form):
    """The candidacies ticked on the page and the session to place them on."""

    candidacies = forms.ModelMultipleChoiceField(
        # Any candidacy is accepted here: one placed or returned since the page was shown
        # gets the service's reason in the report.
        Candidacy.objects.all(),
        label=_("Candidatures à inscrire"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins une candidature à inscrire.")},
    )
    session = _SessionChoice(
        JurySession.objects.none(),
        label=_("Inscrire à la session"),
        empty_label=_("Choisissez une session"),
        error_messages={"required": _("Choisissez la session où inscrire les candidatures.")},
    )

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.sessions = list(sessions)
        field = self.fields["session"]
        field.queryset = JurySession.objects.filter(pk__in=[s.pk for s in self.sessions])
        # The choices from the sessions already read: the page lists them without a query.
        field.choices = [("", field.empty_label)] + [
            (s.pk, _session_label(s)) for s in self.sessions
        ]


class ReturnForm(forms.Form):
    expected_state = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Motif du renvoi à l'évaluation"),
        help_text=_("Ce qui n'est pas conforme : les évaluateurs et le candidat le liront."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
    )
