import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from candidates.models import Candidacy, CompetenceValidation
from cqp.models import Competence
from cqp.utils import choice_label

from .enums import CertificateKind, College, Decision, SessionState


class MandatingOrganisation(models.Model):
    """An organisation that mandates representatives to one college of the jury (a list the
    CPEF keeps in the back-office)."""

    name = models.CharField(_("nom"), max_length=200, unique=True)
    college = models.CharField(_("collège"), max_length=12, choices=College.choices)

    class Meta:
        verbose_name = _("organisation mandataire")
        verbose_name_plural = _("organisations mandataires")
        ordering = ["college", "name"]

    def __str__(self):
        return self.name


class JuryMember(models.Model):
    """A representative of one college of the jury paritaire, mandated by an organisation of
    that college from `mandate_start` to `mandate_end` (both included); seated only on a
    session dated within the mandate."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jury_member"
    )
    college = models.CharField(_("collège"), max_length=12, choices=College.choices)
    is_active = models.BooleanField(_("actif"), default=True)
    mandating_organisation = models.ForeignKey(
        MandatingOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("organisation mandataire"),
    )
    mandate_start = models.DateField(_("début du mandat"), null=True, blank=True)
    mandate_end = models.DateField(_("fin du mandat"), null=True, blank=True)
    substitute = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="substitute_of",
        verbose_name=_("suppléant"),
    )

    class Meta:
        verbose_name = _("membre du jury")
        verbose_name_plural = _("membres du jury")
        ordering = ["college", "user__last_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mandate_end__gte=models.F("mandate_start")),
                name="mandate_ends_after_start",
                violation_error_message=_("La fin du mandat précède son début."),
            )
        ]

    def __str__(self):
        return f"{self.user} ({self.get_college_display()})"

    def clean(self):
        errors = {}
        organisation = self.mandating_organisation
        if organisation is not None and organisation.college != self.college:
            errors["mandating_organisation"] = _(
                "Cette organisation mandate des représentants de l'autre collège."
            )
        substitute = self.substitute
        if substitute is not None and (substitute.pk == self.pk and self.pk is not None):
            errors["substitute"] = _("Un membre ne peut pas être son propre suppléant.")
        elif substitute is not None and substitute.college != self.college:
            errors["substitute"] = _("Le suppléant doit appartenir au même collège.")
        if errors:
            raise ValidationError(errors)

    def mandate_valid_on(self, day) -> bool:
        """The mandate covers `day` (a member without recorded mandate is never seated)."""
        return (
            self.mandate_start is not None
            and self.mandate_end is not None
            and self.mandate_start <= day <= self.mandate_end
        )


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
        indexes = [models.Index(fields=["date", "id"], name="jury_session_date")]
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
        return self.name_on(self.date)

    @staticmethod
    def name_on(date) -> str:
        """The name of the session held on `date` (a list of sessions reads only their date)."""
        return _("Session du %(date)s") % {"date": date.strftime("%d/%m/%Y")}

    def get_state_display(self) -> str:
        return choice_label(SessionState, self.state)

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

    # Indexed with decided_at below (deliberation_session_decided), not alone.
    session = models.ForeignKey(
        JurySession, on_delete=models.PROTECT, related_name="deliberations", db_index=False
    )
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
    checklist = models.JSONField(
        _("contrôle de conformité"),
        default=list,
        blank=True,
        help_text=_("Chaque point du contrôle : code, libellé, conforme ou non, observation."),
    )
    president = models.ForeignKey(
        JuryMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="presided_deliberations",
        verbose_name=_("président pour cette candidature"),
        help_text=_(
            "Désigné par le secrétariat quand le président de la session est récusé sur "
            "cette candidature."
        ),
    )

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
        indexes = [
            # A session's candidacies and decided ones counted from the index alone
            # (index-only scan; the session list), not from a heap page per deliberation.
            models.Index(fields=["session", "decided_at"], name="deliberation_session_decided"),
        ]

    def __str__(self):
        return _("Fiche de décision de %(candidate)s") % {"candidate": self.candidacy.candidate}

    @property
    def is_decided(self):
        return self.decided_at is not None

    @property
    def presiding_member(self) -> JuryMember | None:
        """Who presides over this deliberation: the president named for it, else the
        session's."""
        return self.president or self.session.president


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
    last_reported_on = models.DateField(
        _("dernière déclaration au répertoire national"), null=True, blank=True
    )
    # The session that issued it and the candidacy's organisation (empty for a VAE
    # candidacy of the CPEF), copied from the deliberation when the certificate is issued
    # (neither changes after the decision): the list of holders reads them along its
    # indexes, not through the deliberation and the candidacy (a gestionnaire's 2,100 of
    # 28,800 certificates at 100,000 candidacies, counted and paged from the index alone,
    # the sessions of the drop-down one index probe each).
    session = models.ForeignKey(
        JurySession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        editable=False,
    )
    organisation = models.ForeignKey(
        "cqp.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("certificat")
        verbose_name_plural = _("certificats")
        ordering = ["-issued_on"]
        indexes = [
            # The list of holders, the latest issued first: all of them, an organisation's.
            models.Index(fields=["issued_on", "id"], name="certificate_issued"),
            models.Index(fields=["organisation", "issued_on", "id"], name="certificate_org_issued"),
            # The sessions that issued some (to whom): the list's drop-down.
            models.Index(fields=["session", "organisation"], name="certificate_session_org"),
        ]

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        if self._state.adding and self.session_id is None:
            self.session_id = self.deliberation.session_id
            self.organisation_id = self.deliberation.candidacy.organisation_id
        super().save(*args, **kwargs)

    @property
    def is_valid(self):
        return self.revoked_at is None
