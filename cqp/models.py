import datetime
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .referentiel import vae_proof_rules
from .validators import normalize_siret, validate_registry_code, validate_siret


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class PlatformRole(models.TextChoices):
    SECRETARIAT = "secretariat", _("Secrétariat CPEF")
    JURY = "jury", _("Membre du jury")


class User(AbstractBaseUser, PermissionsMixin):
    """A person on the platform; logs in with their e-mail address."""

    email = models.EmailField(_("adresse e-mail"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    platform_role = models.CharField(
        _("rôle sur la plateforme"),
        max_length=20,
        choices=PlatformRole.choices,
        blank=True,
        help_text=_("Rôle transverse à toutes les organisations (secrétariat CPEF, jury)."),
    )
    is_staff = models.BooleanField(
        _("accès à l'administration"),
        default=False,
        help_text=_("Peut se connecter au back-office Django."),
    )
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(_("date d'inscription"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["last_name", "first_name", "email"]
        # The lists sorted by person (habilitations, members).
        indexes = [models.Index(fields=["last_name", "first_name"], name="user_name")]

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    @property
    def is_secretariat(self):
        return self.is_active and self.platform_role == PlatformRole.SECRETARIAT

    @property
    def is_jury(self):
        return self.is_active and self.platform_role == PlatformRole.JURY


class Registry(models.TextChoices):
    RNCP = "RNCP", _("Répertoire national des certifications professionnelles (RNCP)")
    RS = "RS", _("Répertoire spécifique (RS)")


class Certification(models.Model):
    """One version of a référentiel (activities, competences, elements and rules)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    title = models.CharField(_("intitulé"), max_length=255)
    branch = models.CharField(_("branche"), max_length=255, blank=True)
    certifying_body = models.CharField(_("organisme certificateur"), max_length=255, blank=True)
    classification_level = models.CharField(
        _("niveau de classification"), max_length=20, blank=True
    )
    source = models.TextField(_("source"), blank=True)
    registry = models.CharField(
        _("répertoire national"),
        max_length=4,
        choices=Registry.choices,
        default=Registry.RNCP,
        help_text=_(
            "Répertoire où la certification est enregistrée : RNCP ou répertoire spécifique."
        ),
    )
    registry_code = models.CharField(
        _("code au répertoire"),
        max_length=20,
        blank=True,
        validators=[validate_registry_code],
        help_text=_("Par exemple RNCP12345 ou RS1234, tel que publié par France compétences."),
    )
    registry_level = models.PositiveSmallIntegerField(
        _("niveau de qualification"),
        null=True,
        blank=True,
        choices=[(n, _("Niveau %(n)s") % {"n": n}) for n in range(1, 9)],
        help_text=_("Niveau du cadre national des certifications (3 à 8 au RNCP ; aucun au RS)."),
    )
    vae_min_experience_years = models.PositiveSmallIntegerField(
        _("expérience minimale pour la VAE (années)")
    )
    partial_validation_years = models.PositiveSmallIntegerField(
        _("durée de conservation d'une validation partielle (années)")
    )
    jury_requires_parcours = models.JSONField(
        _("pièces exigées par le jury (parcours)"), default=list
    )
    jury_requires_vae = models.JSONField(_("pièces exigées par le jury (VAE)"), default=list)
    rules = models.JSONField(_("règles du dispositif"), default=dict)
    loaded_at = models.DateTimeField(_("chargé le"), auto_now=True)

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["code"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.registry_code and not self.registry_code.startswith(self.registry):
            raise ValidationError(
                {
                    "registry_code": _(
                        "Le code doit commencer par %(prefix)s, le répertoire choisi."
                    )
                    % {"prefix": self.registry}
                }
            )
        if self.registry == Registry.RS and self.registry_level:
            raise ValidationError(
                {
                    "registry_level": _(
                        "Une certification du répertoire spécifique n'a pas de niveau."
                    )
                }
            )

    @property
    def registry_reference(self) -> str:
        """« RNCP12345 (niveau 4) », as printed on a certificate; empty when unknown."""
        if not self.registry_code:
            return ""
        if self.registry_level:
            return _("%(code)s (niveau %(level)s)") % {
                "code": self.registry_code,
                "level": self.registry_level,
            }
        return self.registry_code

    @property
    def vae_proof_rules(self) -> dict[str, list[str]]:
        """The proofs a VAE request needs: `request` (one of each kind) and `per_experience`
        (at least one of these kinds per declared period), from the référentiel's rules."""
        return vae_proof_rules(self.rules)


class ActivityBlock(models.Model):
    certification = models.ForeignKey(
        Certification, on_delete=models.CASCADE, related_name="activity_blocks"
    )
    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.CharField(_("intitulé"), max_length=500)
    tasks = models.JSONField(_("tâches"), default=list)

    class Meta:
        verbose_name = _("bloc d'activités")
        verbose_name_plural = _("blocs d'activités")
        ordering = ["certification", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["certification", "number"], name="unique_activity_block_number"
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class Competence(models.Model):
    certification = models.ForeignKey(
        Certification, on_delete=models.CASCADE, related_name="competences"
    )
    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.CharField(_("intitulé"), max_length=500)

    class Meta:
        verbose_name = _("compétence")
        verbose_name_plural = _("compétences")
        ordering = ["certification", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["certification", "number"], name="unique_competence_number"
            )
        ]

    def __str__(self):
        return f"C{self.number}. {self.title}"

    @property
    def code(self):
        return f"C{self.number}"


class CompetenceElement(models.Model):
    competence = models.ForeignKey(Competence, on_delete=models.CASCADE, related_name="elements")
    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.TextField(_("intitulé"))

    class Meta:
        verbose_name = _("élément de compétence")
        verbose_name_plural = _("éléments de compétence")
        ordering = ["competence", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["competence", "number"], name="unique_competence_element_number"
            )
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def code(self):
        return f"C{self.competence.number}.{self.number}"


class SiretField(models.CharField):
    """A SIRET typed with or without spaces, stored as its 14 digits."""

    def __init__(self, *args, **kwargs):
        kwargs["max_length"] = 14
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_siret(value) if value else value

    def formfield(self, **kwargs):
        field = super().formfield(**kwargs)
        # Room for the usual "123 456 789 00012" spacing; the model field normalises it.
        field.max_length = 20
        field.validators = [v for v in field.validators if not hasattr(v, "limit_value")]
        field.widget.attrs["maxlength"] = "20"
        field.widget.attrs["inputmode"] = "numeric"
        return field


class OrganisationKind(models.TextChoices):
    ENTREPRISE = "entreprise", _("Entreprise")
    ORGANISME_FORMATION = "organisme_formation", _("Organisme de formation")


class Organisation(models.Model):
    """A tenant: its data is visible to its members and to the platform roles only."""

    name = models.CharField(_("raison sociale"), max_length=200)
    kind = models.CharField(_("type"), max_length=30, choices=OrganisationKind.choices)
    siret = SiretField(
        _("SIRET"),
        unique=True,
        validators=[validate_siret],
        error_messages={"unique": _("Une organisation avec ce SIRET existe déjà.")},
    )
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True, editable=False)
    city = models.CharField(_("ville"), max_length=120, blank=True)
    is_active = models.BooleanField(_("en activité"), default=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    # People with a membership, two roles counted once: kept by cqp.member_counts.
    member_count = models.PositiveIntegerField(_("membres"), default=0, editable=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["name"], name="organisation_name")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.siret = normalize_siret(self.siret)
        if not self.slug:
            self.slug = self._unique_slug()
        super().save(*args, **kwargs)

    def _unique_slug(self):
        base = slugify(self.name)[:70] or "organisation"
        slug, suffix = base, 2
        while Organisation.objects.filter(slug=slug).exists():
            slug, suffix = f"{base}-{suffix}", suffix + 1
        return slug


class MembershipRole(models.TextChoices):
    GESTIONNAIRE = "gestionnaire", _("Gestionnaire d'organisation")
    CANDIDAT = "candidat", _("Candidat")
    PROFESSIONNEL = "professionnel", _("Professionnel du secteur")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    # Indexed with the user below (membership_organisation_user), not alone.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", db_index=False
    )
    role = models.CharField(_("rôle"), max_length=20, choices=MembershipRole.choices)
    created_at = models.DateTimeField(_("depuis le"), auto_now_add=True)

    class Meta:
        verbose_name = _("appartenance")
        verbose_name_plural = _("appartenances")
        ordering = ["organisation__name", "user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="unique_membership_role"
            )
        ]
        indexes = [
            # An organisation's members counted from the index alone (index-only scan), not
            # from a heap page per membership: a large organisation has thousands of them.
            models.Index(fields=["organisation", "user"], name="membership_organisation_user"),
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


class Invitation(models.Model):
    """An e-mail invitation to join an organisation with a role."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("adresse e-mail"))
    role = models.CharField(_("rôle"), max_length=20, choices=MembershipRole.choices)
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    def save(self, *args, **kwargs):
        if not self.token:
            self.token = secrets.token_urlsafe(32)
        super().save(*args, **kwargs)

    @property
    def is_pending(self):
        return self.accepted_at is None and self.expires_at > timezone.now()


class HabilitationKind(models.TextChoices):
    PROFESSIONNEL = "professionnel", _("Professionnel du secteur")
    EVALUATEUR = "evaluateur", _("Évaluateur externe")


class HabilitationStatus(models.TextChoices):
    UPCOMING = "a_venir", _("À venir")
    VALID = "valide", _("Valide")
    EXPIRED = "expiree", _("Expirée")
    REVOKED = "revoquee", _("Révoquée")


class HabilitationQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        return self.filter(valid_from__lte=day, valid_until__gte=day).filter(
            Q(revoked_on__isnull=True) | Q(revoked_on__gt=day)
        )


class Habilitation(models.Model):
    """The CPEF's authorisation for a person to act as professionnel or évaluateur.

    Valid from `valid_from` to `valid_until`, both days included, unless revoked: a
    revocation takes effect on `revoked_on` (the person can no longer act that day).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="habilitations"
    )
    kind = models.CharField(_("type"), max_length=20, choices=HabilitationKind.choices)
    valid_from = models.DateField(_("valable du"))
    valid_until = models.DateField(_("valable jusqu'au"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="habilitations_granted",
        verbose_name=_("accordée par"),
    )
    granted_at = models.DateTimeField(_("accordée le"), auto_now_add=True)
    renewal_of = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="renewed_by",
        verbose_name=_("renouvellement de"),
    )
    revoked_on = models.DateField(_("révoquée le"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="habilitations_revoked",
        verbose_name=_("révoquée par"),
    )
    revocation_reason = models.TextField(_("motif de révocation"), blank=True)

    objects = HabilitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("habilitation")
        verbose_name_plural = _("habilitations")
        ordering = ["-valid_until", "user__last_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="habilitation_period_ordered",
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.get_kind_display()} ({self.valid_from} → {self.valid_until})"

    def is_valid_on(self, day: datetime.date) -> bool:
        if self.revoked_on is not None and self.revoked_on <= day:
            return False
        return self.valid_from <= day <= self.valid_until

    def status_on(self, day: datetime.date) -> str:
        if self.revoked_on is not None and self.revoked_on <= day:
            return HabilitationStatus.REVOKED
        if day < self.valid_from:
            return HabilitationStatus.UPCOMING
        if day > self.valid_until:
            return HabilitationStatus.EXPIRED
        return HabilitationStatus.VALID

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    def get_status_display(self):
        return HabilitationStatus(self.status).label


class Notification(models.Model):
    """An in-app notice, so that nobody depends on e-mail. `key` makes creation idempotent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(max_length=100)
    event = models.CharField(_("événement"), max_length=40, blank=True)
    subject = models.CharField(_("objet"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("lien"), max_length=500, blank=True)
    # What happened, rendered again in the reader's language (cqp.notifications.shown):
    # `subject` and `body` hold the French text, shown as such when these are empty.
    message_key = models.CharField(_("message"), max_length=60, blank=True)
    role = models.CharField(_("en qualité de"), max_length=30, blank=True)
    values = models.JSONField(_("valeurs"), null=True, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    created_at = models.DateTimeField(_("reçue le"), default=timezone.now)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)
    # The e-mail copy: recorded once sent, so that a retried task never sends it twice.
    email_sent_at = models.DateTimeField(_("e-mail envoyé le"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("tentatives d'envoi"), default=0)
    email_error = models.CharField(_("dernière erreur d'envoi"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_notification_per_event")
        ]
        indexes = [
            # The header's unread count on every page (cqp.context_processors.unread_badge).
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self):
        return self.subject


def issuer_logo_path(instance, filename):
    return f"emetteur/logo-{secrets.token_hex(6)}{Path(filename).suffix.lower()}"


class Issuer(models.Model):
    """The certifying body's identity, printed on every official document and published as
    the issuer of the credentials: one row (`Issuer.current()`), edited by the secretariat."""

    name = models.CharField(
        _("nom"),
        max_length=255,
        default="Commission paritaire nationale de l'emploi et de la formation professionnelle "
        "de la branche des organismes de formation",
    )
    short_name = models.CharField(_("sigle"), max_length=40, default="CPEF")
    street = models.CharField(_("adresse"), max_length=255, default="10 rue de la Formation")
    postal_code = models.CharField(_("code postal"), max_length=10, default="75010")
    city = models.CharField(_("ville"), max_length=120, default="Paris")
    email = models.EmailField(_("adresse e-mail de contact"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    logo = models.FileField(
        _("logo"),
        upload_to=issuer_logo_path,
        blank=True,
        help_text=_("Image PNG ou JPEG ; sans logo, les documents portent le sigle."),
    )
    president_name = models.CharField(_("président ou présidente : nom"), max_length=200)
    president_title = models.CharField(
        _("président ou présidente : qualité"), max_length=200, default="Président de la CPEF"
    )
    vice_president_name = models.CharField(
        _("vice-président ou vice-présidente : nom"), max_length=200
    )
    vice_president_title = models.CharField(
        _("vice-président ou vice-présidente : qualité"),
        max_length=200,
        default="Vice-présidente de la CPEF",
    )
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    class Meta:
        verbose_name = _("organisme certificateur")
        verbose_name_plural = _("organisme certificateur")

    def __str__(self):
        return self.short_name or self.name

    @classmethod
    def current(cls) -> "Issuer":
        """The issuer as stored, or its defaults, unsaved (reading never writes: the first
        `save` stores the one row)."""
        return cls.objects.order_by("pk").first() or cls()

    @property
    def address_lines(self) -> list[str]:
        return [line for line in (self.street, f"{self.postal_code} {self.city}".strip()) if line]


def document_path(instance, filename):
    return f"documents/{instance.kind}/{instance.object_id}/{filename}"


class Document(models.Model):
    """An official PDF, generated once its content is final and never rewritten.

    `edition` numbers the successive final versions of one document (an evaluation
    dossier sent back by the jury and transmitted again gets a second edition); the
    latest is the one served. `sha256` is computed on the stored bytes.
    """

    kind = models.CharField(_("type de document"), max_length=30)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    edition = models.PositiveSmallIntegerField(_("édition"), default=1)
    title = models.CharField(_("titre"), max_length=300)
    file = models.FileField(_("fichier"), upload_to=document_path, max_length=300)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("taille (octets)"))
    pages = models.PositiveSmallIntegerField(_("pages"))
    generated_at = models.DateTimeField(_("généré le"), default=timezone.now)

    class Meta:
        verbose_name = _("document officiel")
        verbose_name_plural = _("documents officiels")
        ordering = ["-generated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "content_type", "object_id", "edition"],
                name="one_document_per_edition",
            )
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            # The documents of a kind for some objects, by their keys (latest_documents, the
            # candidacy page's documents): the unique constraint puts the content type
            # between the two, and a lookup without it read every document of the kind.
            models.Index(fields=["kind", "object_id", "edition"], name="document_kind_object"),
            # The public page looks an uploaded PDF up by its digest.
            models.Index(fields=["sha256"], name="document_sha256"),
        ]

    def __str__(self):
        return self.title


class AppendOnlyQuerySet(models.QuerySet):
    """A journal's rows are never rewritten in bulk (bulk_update and update_or_create go
    through update too)."""

    def update(self, **kwargs):
        raise PermissionError(f"Le {self.model.JOURNAL} ne peut pas être modifié.")

    def delete(self):
        raise PermissionError(f"Le {self.model.JOURNAL} ne peut pas être supprimé.")


class AppendOnlyModel(models.Model):
    """A journal: rows are added, never changed nor deleted. The database refuses it too,
    on PostgreSQL (its migration runs cqp.append_only.refuse_rewrites)."""

    JOURNAL = "journal"  # what the refusals call it

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise PermissionError(f"Le {self.JOURNAL} ne peut pas être modifié.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"Le {self.JOURNAL} ne peut pas être supprimé.")


class StoredUpload(models.Model):
    """A file a user joined, judged whole by cqp.uploads.check_upload and stored under a
    random name (`file`, declared by each model with its own folder): what the check found
    out, and who joined it when. `cqp.uploads.store_checked` fills and saves one."""

    original_name = models.CharField(_("nom du fichier"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("taille (octets)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    class Meta:
        abstract = True


class DownloadKind(models.TextChoices):
    DOCUMENT = "document", _("document officiel")
    PREVIEW = "apercu", _("aperçu (projet)")
    EVIDENCE = "piece", _("pièce justificative")


class DownloadLog(AppendOnlyModel):
    """Who downloaded which official document, draft or evidence file, and when: the
    dossiers hold personal data. Append-only, like the candidacies' audit log.

    What was downloaded is named by `content_type` and `object_id` (an evidence file may be
    deleted later: the entry stays, with the `title` it had), and the candidacy it belongs
    to by `candidacy_pk` (None for a session's procès-verbal): the core knows no candidacy
    model.
    """

    JOURNAL = "journal des consultations"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("par")
    )
    downloaded_at = models.DateTimeField(_("le"), default=timezone.now)
    kind = models.CharField(_("nature"), max_length=20, choices=DownloadKind.choices)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(_("document"), max_length=300)
    candidacy_pk = models.PositiveBigIntegerField(_("candidature"), null=True, blank=True)

    class Meta:
        verbose_name = _("consultation d'un document")
        verbose_name_plural = _("consultations des documents")
        ordering = ["-downloaded_at", "-pk"]
        indexes = [models.Index(fields=["candidacy_pk", "-downloaded_at", "-id"])]

    def __str__(self):
        return f"{self.downloaded_at:%d/%m/%Y %H:%M} {self.user_id} {self.title}"
