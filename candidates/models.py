import datetime
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from cqp.models import (
    AppendOnlyModel,
    Certification,
    Competence,
    CompetenceElement,
    HabilitationKind,
    Organisation,
    StoredUpload,
)
from cqp.permissions import ROLE_LABELS
from cqp.utils import choice_label

from .enums import (
    DECISION_STATES,
    FINAL_STATES,
    NON_FINAL_STATES,
    WAITING_STATES,
    ActionKind,
    Civility,
    Pathway,
    ProofKind,
    RecevabiliteOutcome,
    ReperageStatus,
    State,
    state_label,
)
from .transitions import fsm_rules


class Candidate(models.Model):
    """The person preparing the CQP, with their ledger of validated competences."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="candidate"
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    # Civil identity printed on a certificate and reported to the national register:
    # declared by the candidate when their dossier is transmitted, checked by the
    # secretariat at instruction.
    civility = models.CharField(_("civilité"), max_length=10, choices=Civility.choices, blank=True)
    birth_name = models.CharField(_("nom de naissance"), max_length=150, blank=True)
    used_name = models.CharField(
        _("nom d'usage"),
        max_length=150,
        blank=True,
        help_text=_("Seulement s'il diffère du nom de naissance."),
    )
    first_names = models.CharField(
        _("prénoms"),
        max_length=200,
        blank=True,
        help_text=_("Tous les prénoms, dans l'ordre de l'état civil, séparés par des espaces."),
    )
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    birth_place = models.CharField(_("commune de naissance"), max_length=150, blank=True)
    birth_country = models.CharField(
        _("pays de naissance"), max_length=100, blank=True, default="France"
    )
    identity_declared_at = models.DateTimeField(_("état civil déclaré le"), null=True, blank=True)
    identity_checked_at = models.DateTimeField(_("état civil vérifié le"), null=True, blank=True)
    identity_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("état civil vérifié par"),
    )

    IDENTITY_FIELDS = ("birth_name", "first_names", "birth_date", "birth_place", "birth_country")

    class Meta:
        verbose_name = _("candidat")
        verbose_name_plural = _("candidats")

    def __str__(self):
        return str(self.user)

    @property
    def identity_missing(self) -> list[str]:
        """The labels of the identity fields a certificate needs and that are still empty."""
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in self.IDENTITY_FIELDS
            if not getattr(self, name)
        ]

    @property
    def legal_name(self) -> str:
        """First names then the name in use (the birth name when no other is used)."""
        name = self.used_name or self.birth_name
        if not (name and self.first_names):
            return self.user.get_full_name() or str(self.user)
        return f"{self.first_names} {name.upper()}"


class Candidacy(ConcurrentTransitionMixin, models.Model):
    """One path of one candidate to one certification, driven by a protected state machine.

    Transitions only change fields and declare their guards (`conditions=`) and who may
    take them (`permission=`); the services in services.py run them.
    """

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="candidacies")
    certification = models.ForeignKey(
        Certification, on_delete=models.PROTECT, related_name="candidacies"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="candidacies",
        null=True,
        blank=True,
        help_text=_("Vide : candidature VAE rattachée directement à la CPEF."),
        db_index=False,  # indexed with the step below (candidacy_org_state_since)
    )
    pathway = models.CharField(_("voie d'accès"), max_length=10, choices=Pathway.choices)
    state = FSMField(_("étape"), max_length=20, choices=State.choices, protected=True)
    is_newcomer = models.BooleanField(
        _("nouvel arrivant dans le métier"),
        default=False,
        help_text=_("Aucune compétence du CQP encore développée : le parcours les couvre toutes."),
    )
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    professionnel = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidacies_as_professionnel",
        verbose_name=_("professionnel du secteur"),
    )
    evaluateur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidacies_as_evaluateur",
        verbose_name=_("évaluateur externe"),
    )
    practice_confirmed_on = models.DateField(
        _("mise en pratique confirmée le"), null=True, blank=True
    )
    practice_note = models.TextField(_("mise en pratique en entreprise"), blank=True)
    recevabilite_reason = models.TextField(_("motif de l'avis de recevabilité"), blank=True)
    closing_reason = models.TextField(_("motif"), blank=True)
    outcome_reason = models.TextField(_("motif de retour"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mise à jour le"), auto_now=True)
    # When the candidacy reached its current step (its creation, then each change of state
    # in the audit log): written by services.candidacy_log, read by the waiting lists.
    state_changed_at = models.DateTimeField(_("à cette étape depuis le"), default=timezone.now)

    class Meta:
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        ordering = ["-updated_at"]
        indexes = [
            # The candidacy list: latest changed first, all of them or one step's.
            models.Index(fields=["updated_at", "id"], name="candidacy_updated"),
            models.Index(fields=["state", "updated_at", "id"], name="candidacy_state_updated"),
            # A step's candidacies, the longest waiting first, from the index alone (the
            # secretariat's instruction queue: `jury` and no pending deliberation).
            models.Index(fields=["state", "state_changed_at", "id"], name="candidacy_state_since"),
            # The waiting lists, longest first, over every waiting step at once.
            models.Index(
                fields=["state_changed_at", "id"],
                condition=Q(state__in=WAITING_STATES),
                name="candidacy_waiting_since",
            ),
            # A professionnel's or an évaluateur's own candidacies (their dashboard panels):
            # by step, the longest waiting first, and all of them the latest changed first.
            models.Index(
                fields=["professionnel", "state", "state_changed_at"],
                name="candidacy_pro_state_since",
            ),
            models.Index(
                fields=["evaluateur", "state", "state_changed_at"],
                name="candidacy_eval_state_since",
            ),
            models.Index(
                fields=["professionnel", "updated_at", "id"], name="candidacy_pro_updated"
            ),
            models.Index(fields=["evaluateur", "updated_at", "id"], name="candidacy_eval_updated"),
            # An organisation's candidacies by step (its gestionnaire's panel counts them from
            # the index alone), the longest waiting first.
            models.Index(
                fields=["organisation", "state", "state_changed_at"],
                name="candidacy_org_state_since",
            ),
            # Its candidacy list, the latest changed first (or, for the last pages, the
            # earliest): 20 rows read along the index, not 7,500 sorted.
            models.Index(fields=["organisation", "updated_at", "id"], name="candidacy_org_updated"),
        ]
        permissions = [
            ("act_as_professionnel", _("Intervenir comme professionnel du secteur")),
            ("act_as_evaluateur", _("Intervenir comme évaluateur externe")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(pathway=Pathway.PARCOURS, organisation__isnull=False)
                | Q(pathway=Pathway.VAE),
                name="parcours_candidacy_has_organisation",
            )
        ]

    def __str__(self):
        return f"{self.candidate} — {self.certification.code} ({self.get_pathway_display()})"

    def get_state_display(self) -> str:
        return choice_label(State, self.state)

    @property
    def is_final(self):
        return self.state in FINAL_STATES

    # Transitions: each changes fields only; who may take it and its guard come from the
    # table in transitions.py, and services.run_transition takes it.

    @transition(
        state, source=State.REPERAGE, target=State.PARCOURS, **fsm_rules("complete_reperage")
    )
    def complete_reperage(self):
        pass

    @transition(
        state, source=State.PARCOURS, target=State.EVALUATION, **fsm_rules("start_evaluation")
    )
    def start_evaluation(self):
        pass

    @transition(
        state, source=State.DEMANDE, target=State.RECEVABILITE, **fsm_rules("submit_recevabilite")
    )
    def submit_recevabilite(self):
        pass

    @transition(
        state, source=State.RECEVABILITE, target=State.RECEVABLE, **fsm_rules("declare_recevable")
    )
    def declare_recevable(self):
        pass

    @transition(
        state, source=State.RECEVABILITE, target=State.DEMANDE, **fsm_rules("request_completion")
    )
    def request_completion(self):
        pass

    @transition(
        state,
        source=State.RECEVABILITE,
        target=State.NON_RECEVABLE,
        **fsm_rules("declare_non_recevable"),
    )
    def declare_non_recevable(self):
        pass

    @transition(
        state, source=State.RECEVABLE, target=State.EVALUATION, **fsm_rules("submit_activities")
    )
    def submit_activities(self):
        pass

    @transition(
        state, source=State.EVALUATION, target=State.PARCOURS, **fsm_rules("resume_parcours")
    )
    def resume_parcours(self):
        self.cycle += 1
        self.practice_confirmed_on = None

    @transition(state, source=State.EVALUATION, target=State.JURY, **fsm_rules("transmit_to_jury"))
    def transmit_to_jury(self):
        pass

    @transition(
        state, source=State.JURY, target=State.EVALUATION, **fsm_rules("return_to_evaluation")
    )
    def return_to_evaluation(self):
        pass

    @transition(
        state,
        source=State.JURY,
        target=RETURN_VALUE(*DECISION_STATES),
        **fsm_rules("record_decision"),
    )
    def record_decision(self, outcome):
        return outcome

    @transition(
        state, source=State.PARTIEL, target=State.PARCOURS, **fsm_rules("continue_after_partial")
    )
    def continue_after_partial(self):
        self.cycle += 1
        self.practice_confirmed_on = None

    @transition(state, source=NON_FINAL_STATES, target=State.ABANDONNE, **fsm_rules("withdraw"))
    def withdraw(self):
        pass

    # Derived data -----------------------------------------------------------------------

    def competences_to_validate(self, on: datetime.date | None = None):
        """Competences of the certification without a validation in force on that day."""
        on = on or timezone.localdate()
        validated = (
            CompetenceValidation.objects.in_force(on)
            .filter(candidate_id=self.candidate_id)
            .values("competence_id")
        )
        return self.certification.competences.exclude(pk__in=validated).order_by("number")


class ReperageEntry(models.Model):
    """One line of the livret de repérage: an element of a competence, acquired or to develop."""

    candidacy = models.ForeignKey(
        Candidacy, on_delete=models.CASCADE, related_name="reperage_entries"
    )
    element = models.ForeignKey(CompetenceElement, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("repérage"), max_length=20, choices=ReperageStatus.choices, blank=True
    )
    comment = models.TextField(_("commentaire"), blank=True, max_length=2000)
    training_need = models.TextField(_("besoin en formation"), blank=True, max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ligne du livret de repérage")
        verbose_name_plural = _("livret de repérage")
        ordering = ["element__competence__number", "element__number"]
        constraints = [
            models.UniqueConstraint(fields=["candidacy", "element"], name="unique_reperage_entry")
        ]

    def __str__(self):
        return f"{self.element.code} : {self.get_status_display() or '—'}"


class ParcoursAction(models.Model):
    """An action of the individual parcours for one competence to develop."""

    candidacy = models.ForeignKey(
        Candidacy, on_delete=models.CASCADE, related_name="parcours_actions"
    )
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    competence = models.ForeignKey(Competence, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(
        _("type d'action"), max_length=20, choices=ActionKind.choices, default=ActionKind.FORMATION
    )
    provider = models.CharField(_("organisme ou tuteur"), max_length=200, blank=True)
    description = models.TextField(_("contenu"), blank=True, max_length=2000)
    start_date = models.DateField(_("début"), null=True, blank=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)
    done = models.BooleanField(_("réalisée"), default=False)

    class Meta:
        verbose_name = _("action du parcours")
        verbose_name_plural = _("actions du parcours")
        ordering = ["cycle", "competence__number", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="parcours_action_dates_ordered",
            )
        ]

    def __str__(self):
        return f"{self.competence.code} — {self.get_kind_display()}"


class VaeRequest(models.Model):
    """Partie 2 of the dossier de VAE: the request examined for recevabilité."""

    candidacy = models.OneToOneField(
        Candidacy, on_delete=models.CASCADE, related_name="vae_request"
    )
    current_situation = models.CharField(_("situation actuelle"), max_length=200, blank=True)
    current_job_title = models.CharField(_("emploi actuel"), max_length=200, blank=True)
    education = models.TextField(_("formation et diplômes"), blank=True, max_length=3000)
    motivation = models.TextField(_("motivation de la demande"), blank=True, max_length=5000)
    submitted_on = models.DateField(_("date de la demande"), null=True, blank=True)
    # The déclaration sur l'honneur, ticked at each submission.
    sworn_at = models.DateTimeField(_("déclaration sur l'honneur le"), null=True, blank=True)
    # The date by which the secretariat is to decide; none while the candidate completes it.
    decision_due_on = models.DateField(_("décision attendue le"), null=True, blank=True)

    class Meta:
        verbose_name = _("demande de VAE (partie 2)")
        verbose_name_plural = _("demandes de VAE (partie 2)")
        # The secretariat's queue sorts by the due date, then the request's date (walked in
        # that order, joined to the candidacy by its key); the daily reminder ranges over it.
        indexes = [
            models.Index(
                fields=["decision_due_on", "submitted_on", "candidacy"],
                name="vae_request_queue_order",
            )
        ]

    def __str__(self):
        return _("Partie 2 de %s") % self.candidacy.candidate


class VaeExperience(models.Model):
    """A period of professional experience declared in partie 2."""

    request = models.ForeignKey(VaeRequest, on_delete=models.CASCADE, related_name="experiences")
    employer = models.CharField(_("employeur"), max_length=200)
    job_title = models.CharField(_("emploi occupé"), max_length=200)
    start_date = models.DateField(_("début"))
    end_date = models.DateField(
        _("fin"), null=True, blank=True, help_text=_("Vide : emploi en cours.")
    )
    is_relevant = models.BooleanField(
        _("en rapport avec le CQP"),
        default=True,
        help_text=_("Les activités exercées relèvent du métier d'assistant(e) de formation."),
    )
    activities = models.TextField(_("principales activités"), blank=True, max_length=3000)
    working_time = models.PositiveSmallIntegerField(
        _("temps de travail (%)"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("100 : temps plein ; sinon, le pourcentage d'un temps plein."),
    )

    class Meta:
        verbose_name = _("expérience professionnelle")
        verbose_name_plural = _("expériences professionnelles")
        ordering = ["-start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="vae_experience_dates_ordered",
            )
        ]

    def __str__(self):
        return f"{self.job_title} — {self.employer}"

    @property
    def working_time_display(self) -> str:
        """« temps plein », or « temps partiel (60 %) »."""
        if self.working_time >= 100:
            return gettext("temps plein")
        return gettext("temps partiel (%(percent)d %%)") % {"percent": self.working_time}


def proof_path(instance, filename):
    # Never the uploaded name: a random one, with the extension of the detected type.
    suffix = PurePosixPath(filename).suffix.lower()
    return f"vae/{instance.request.candidacy_id}/{uuid.uuid4().hex}{suffix}"


class VaeProof(StoredUpload):
    """A proof joined to partie 2: the identity document, or a proof of one experience period
    (checked on its content like the evaluation's evidence, cqp.uploads)."""

    request = models.ForeignKey(VaeRequest, on_delete=models.CASCADE, related_name="proofs")
    experience = models.ForeignKey(
        VaeExperience,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="proofs",
        verbose_name=_("période"),
        help_text=_("Vide : une pièce de la demande elle-même (pièce d'identité)."),
    )
    kind = models.CharField(_("nature"), max_length=30, choices=ProofKind.choices)
    file = models.FileField(_("fichier"), upload_to=proof_path, max_length=200)

    class Meta:
        verbose_name = _("justificatif (partie 2)")
        verbose_name_plural = _("justificatifs (partie 2)")
        ordering = ["experience_id", "uploaded_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.original_name}"


class RecevabiliteDecision(AppendOnlyModel):
    """A decision of the secretariat on a VAE request, on record: favorable, défavorable, or
    a request for completion listing what is missing; with the experience figure it was
    taken on. Append-only (the database refuses changes too, on PostgreSQL)."""

    JOURNAL = "registre des décisions de recevabilité"

    candidacy = models.ForeignKey(
        Candidacy, on_delete=models.PROTECT, related_name="recevabilite_decisions"
    )
    outcome = models.CharField(_("décision"), max_length=20, choices=RecevabiliteOutcome.choices)
    reason = models.TextField(_("motif"), blank=True)
    # For a request for completion: the items the candidate is to complete (codes of partie 2's
    # fields and proofs, see candidates.recevabilite).
    items = models.JSONField(_("éléments à compléter"), default=list, blank=True)
    submitted_on = models.DateField(_("date de la demande examinée"))
    experience_days = models.PositiveIntegerField(_("expérience en rapport retenue (jours)"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("décidée le"), default=timezone.now)

    class Meta:
        verbose_name = _("décision de recevabilité")
        verbose_name_plural = _("décisions de recevabilité")
        ordering = ["decided_at", "pk"]
        indexes = [
            # A candidacy's decisions in their order: the latest without sorting them all.
            models.Index(
                fields=["candidacy", "decided_at", "id"], name="recevabilite_candidacy_time"
            ),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()} ({self.decided_at:%d/%m/%Y})"


class VaeActivity(models.Model):
    """Partie 3 of the dossier de VAE: an activity carried out, for one competence."""

    candidacy = models.ForeignKey(
        Candidacy, on_delete=models.CASCADE, related_name="vae_activities"
    )
    competence = models.ForeignKey(Competence, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("activité"), max_length=300)
    description = models.TextField(_("description de ce que vous avez réalisé"), max_length=5000)
    context = models.CharField(_("contexte (employeur, période)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("activité (partie 3)")
        verbose_name_plural = _("activités (partie 3)")
        ordering = ["competence__number", "pk"]

    def __str__(self):
        return f"{self.competence.code} — {self.title}"


class CompetenceValidationQuerySet(models.QuerySet):
    def in_force(self, day: datetime.date):
        """The validations that count on `day` (from `validated_on` to `valid_until`, both included)."""
        return self.filter(validated_on__lte=day, valid_until__gte=day)


class CompetenceValidation(models.Model):
    """A competence validated by the jury: it counts for the certification's
    `partial_validation_years` (5), from `validated_on` to `valid_until` both included, that
    is to the same calendar date 5 years later (28 February for a 29 February,
    `services.validations_grant`); it has expired from the day after `valid_until`."""

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="validations")
    competence = models.ForeignKey(Competence, on_delete=models.PROTECT, related_name="+")
    validated_on = models.DateField(_("validée le"))
    valid_until = models.DateField(_("valable jusqu'au"))
    # Set by the daily reminder task once the validity is over (and the candidate told).
    expired_on = models.DateField(_("expiration constatée le"), null=True, blank=True)

    objects = CompetenceValidationQuerySet.as_manager()

    class Meta:
        verbose_name = _("compétence validée")
        verbose_name_plural = _("compétences validées")
        ordering = ["competence__number", "-validated_on"]

    def __str__(self):
        return f"{self.competence.code} ({self.validated_on} → {self.valid_until})"


def _assigned_comment(values: dict) -> str:
    text = gettext("%(role)s : %(person)s") % {
        "role": HabilitationKind(values["kind"]).label,
        "person": values["person"],
    }
    if values.get("previous"):
        text += " " + gettext("(remplace %(person)s)") % {"person": values["previous"]}
    return text


def _revoked_comment(values: dict) -> str:
    return gettext("Révocation du n° %(n)s : %(r)s") % {
        "n": values["number"],
        "r": values["reason"],
    }


# The comments the platform writes in the log, by key: each entry records the key and its
# values, rendered in the reader's language (TransitionLog.comment_shown).
LOG_COMMENTS = {
    # {"kind": a HabilitationKind, "person": the name, "previous": the name replaced or ""}
    "assigned": _assigned_comment,
    # {"number": the certificate's number, "reason": as the secretariat typed it}
    "certificate_revoked": _revoked_comment,
}


# The events a history names in words rather than by the steps they join
# (TransitionLog.event_label).
EVENT_LABELS = {
    "create": _("candidature ouverte"),
    "assign_professionnel": _("professionnel du secteur affecté"),
    "assign_evaluateur": _("évaluateur externe affecté"),
    "confirm_practice": _("mise en pratique confirmée"),
}


class TransitionLog(AppendOnlyModel):
    """The append-only audit log of a candidacy: every transition and assignment."""

    JOURNAL = "journal des transitions"

    candidacy = models.ForeignKey(Candidacy, on_delete=models.PROTECT, related_name="logs")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("en qualité de"), max_length=30)
    transition = models.CharField(_("action"), max_length=40)
    source = models.CharField(_("de"), max_length=20)
    target = models.CharField(_("vers"), max_length=20)
    comment = models.TextField(_("commentaire"), blank=True)
    # A comment the platform wrote (LOG_COMMENTS): `comment` holds its French text, shown as
    # such when the key is empty (an older entry, or a comment someone typed).
    comment_key = models.CharField(_("commentaire de la plateforme"), max_length=40, blank=True)
    comment_values = models.JSONField(_("valeurs du commentaire"), null=True, blank=True)
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("journal des transitions")
        ordering = ["created_at", "pk"]
        indexes = [
            # A candidacy's history in its order, either way: its latest events without
            # sorting them all, its pages, its counts from the index alone.
            models.Index(
                fields=["candidacy", "created_at", "id"], name="transitionlog_candidacy_time"
            ),
            # A VAE request's submissions, the latest and their number (the candidacy page).
            models.Index(
                fields=["candidacy", "created_at", "id"],
                condition=models.Q(transition="submit_recevabilite"),
                name="transitionlog_submissions",
            ),
        ]

    def __str__(self):
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.transition} {self.source} → {self.target}"

    @property
    def role_label(self):
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def transition_label(self):
        return f"{state_label(self.source)} → {state_label(self.target)}"

    @property
    def event_label(self) -> str:
        """What happened, as a history shows it: the event's name, else the steps it joins."""
        label = EVENT_LABELS.get(self.transition)
        return str(label) if label is not None else self.transition_label

    @property
    def comment_shown(self) -> str:
        """The comment in the active language: as typed, or as the platform writes it."""
        render = LOG_COMMENTS.get(self.comment_key)
        if render is None or self.comment_values is None:
            return self.comment
        try:
            return render(self.comment_values)
        except (KeyError, TypeError, ValueError):  # values that no longer fit
            return self.comment
