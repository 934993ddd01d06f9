import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from candidates.models import Candidacy, CompetenceValidation
from cqp.models import Competence

from .enums import CertificateKind, College, Decision, SessionState


class JuryMember(models.Model):
    """A representative of one college of the jury paritaire."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jury_member"
    )
    college = models.CharField(_("collège"), max_length=12, choices=College.choices)
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("membre du jury")
        verbose_name_plural = _("membres du jury")
        ordering = ["college", "user__last_name"]

    def __str__(self):
        return f"{self.user} ({self.get_college_display()})"


class JurySession(FSMModelMixin, models.Model):
    """A sitting of the jury: programmed, then open, then closed; or cancelled before it
    opens. `sequence` counts the changes of its date, time or place since it was
    programmed: the calendar files sent to its members carry it (a calendar keeps the
    latest)."""

    date = models.DateField(_("date"))
    start_time = models.TimeField(_("heure de début"))
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    video_link = models.URLField(_("lien de visioconférence"), blank=True)
    state = FSMField(
        _("statut"),
        max_length=10,
        choices=SessionState.choices,
        default=SessionState.PLANNED,
        protected=True,
    )
    president = models.ForeignKey(
        JuryMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="presided_sessions",
        verbose_name=_("président"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    sequence = models.PositiveIntegerField(_("version"), default=0)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    cancellation_reason = models.TextField(_("motif de l'annulation"), blank=True)

    class Meta:
        verbose_name = _("session du jury")
        verbose_name_plural = _("sessions du jury")
        ordering = ["-date", "-pk"]
        constraints = [
            # Two sessions cannot meet at the same time in the same room.
            models.UniqueConstraint(
                Lower("place"),
                "date",
                "start_time",
                condition=~Q(place="") & ~Q(state="cancelled"),
                name="one_session_per_place_and_time",
            )
        ]

    def __str__(self):
        return _("Session du %(date)s") % {"date": self.date.strftime("%d/%m/%Y")}

    @transition(field=state, source=SessionState.PLANNED, target=SessionState.OPEN)
    def open(self):
        pass

    @transition(field=state, source=SessionState.OPEN, target=SessionState.CLOSED)
    def close(self):
        pass

    @transition(field=state, source=SessionState.PLANNED, target=SessionState.CANCELLED)
    def cancel(self):
        pass


class Seat(models.Model):
    """A member's seat on a session, with their attendance recorded when the session opens."""

    session = models.ForeignKey(JurySession, on_delete=models.CASCADE, related_name="seats")
    member = models.ForeignKey(JuryMember, on_delete=models.PROTECT, related_name="seats")
    present = models.BooleanField(_("présent"), null=True, blank=True)

    class Meta:
        verbose_name = _("siège")
        verbose_name_plural = _("sièges")
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="one_seat_per_member")
        ]

    def __str__(self):
        return f"{self.member} — {self.session}"


class Deliberation(models.Model):
    """The fiche de décision of one candidacy at one session."""

    session = models.ForeignKey(JurySession, on_delete=models.PROTECT, related_name="deliberations")
    candidacy = models.ForeignKey(Candidacy, on_delete=models.PROTECT, related_name="deliberations")
    conform = models.BooleanField(_("démarche et dossier conformes"), null=True)
    conformity_notes = models.TextField(_("observations sur la conformité"), blank=True)
    outcome = models.CharField(_("décision"), max_length=20, blank=True)
    motivation = models.TextField(_("motivation"), blank=True)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    validations = models.ManyToManyField(CompetenceValidation, blank=True, related_name="+")

    class Meta:
        verbose_name = _("fiche de décision")
        verbose_name_plural = _("fiches de décision")
        ordering = ["session", "pk"]
        constraints = [
            # A candidacy waits on one session at a time.
            models.UniqueConstraint(
                fields=["candidacy"],
                condition=Q(decided_at__isnull=True),
                name="one_pending_deliberation",
            )
        ]

    def __str__(self):
        return _("Fiche de décision de %(candidate)s") % {"candidate": self.candidacy.candidate}

    @property
    def is_decided(self):
        return self.decided_at is not None


class CompetenceDecision(models.Model):
    deliberation = models.ForeignKey(
        Deliberation, on_delete=models.CASCADE, related_name="decisions"
    )
    competence = models.ForeignKey(Competence, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("décision"), max_length=12, choices=Decision.choices)
    motivation = models.TextField(_("motivation"), blank=True)

    class Meta:
        verbose_name = _("décision par compétence")
        verbose_name_plural = _("décisions par compétence")
        ordering = ["competence__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliberation", "competence"], name="one_decision_per_competence"
            )
        ]

    def __str__(self):
        return f"{self.competence.code} — {self.get_decision_display()}"


def certificate_number():
    return "CQP-" + "-".join(secrets.token_hex(2).upper() for _ in range(4))


class Certificate(models.Model):
    """The certificate (total delivery) or the attestation of partial validation of a decision."""

    deliberation = models.OneToOneField(
        Deliberation, on_delete=models.PROTECT, related_name="certificate"
    )
    kind = models.CharField(_("type"), max_length=12, choices=CertificateKind.choices)
    number = models.CharField(_("numéro"), max_length=40, unique=True, default=certificate_number)
    issued_on = models.DateField(_("délivré le"))
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revocation_reason = models.TextField(_("motif de révocation"), blank=True)

    class Meta:
        verbose_name = _("certificat")
        verbose_name_plural = _("certificats")
        ordering = ["-issued_on"]

    def __str__(self):
        return self.number

    @property
    def is_valid(self):
        return self.revoked_at is None
