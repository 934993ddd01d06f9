"""Writes on the proofs joined to partie 2 of a VAE request: the identity document of the
request and the proofs of each declared period. Which kinds go where is data of the
certification (`Certification.vae_proof_rules`); every file is judged whole by its content
(`cqp.uploads.check_upload`), with the limits of the evaluation's evidence files."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cqp import uploads
from cqp.models import User

from . import permissions
from .enums import ProofKind
from .models import Candidacy, VaeExperience, VaeProof
from .services import _lock, check_expected

# The same kinds of file and the same limit per place as the evaluation's evidence files.
FILE_KINDS = uploads.EVERY_KIND
MAX_PROOFS_PER_PLACE = 10
FILE_NOT_JOINED = gettext_lazy(
    "Le fichier n'a pas été joint : corrigez ce qui est signalé, puis choisissez-le à nouveau."
)


def proof_kinds(candidacy: Candidacy, experience: VaeExperience | None) -> list[str]:
    """The kinds of proof the certification takes for the request itself (no `experience`)
    or for a declared period."""
    rules = candidacy.certification.vae_proof_rules
    return rules["per_experience"] if experience is not None else rules["request"]


def kind_refusal(candidacy: Candidacy, experience: VaeExperience | None) -> str:
    """Why a kind is refused at this place, naming the kinds it takes."""
    kinds = proof_kinds(candidacy, experience)
    if not kinds:
        return _("Aucun justificatif n'est demandé à cet endroit.")
    accepted = ", ".join(str(ProofKind(kind).label) for kind in kinds)
    if experience is None:
        return _(
            "Ce justificatif ne se joint pas à la demande elle-même, mais à une période "
            "d'expérience. Natures acceptées ici : %(kinds)s."
        ) % {"kinds": accepted}
    return _(
        "Ce justificatif ne se joint pas à une période d'expérience. Natures acceptées ici : "
        "%(kinds)s."
    ) % {"kinds": accepted}


def _checked(
    candidacy: Candidacy, experience: VaeExperience | None, *, kind: str, upload: UploadedFile
) -> uploads.Checked:
    """The kind and the file, both checked before anything is stored: one ValidationError
    names every refusal, each on its field (`kind`, `file`)."""
    errors = {}
    if kind not in proof_kinds(candidacy, experience):
        errors["kind"] = [kind_refusal(candidacy, experience)]
    place = candidacy.vae_request.proofs.filter(experience=experience)
    if place.count() >= MAX_PROOFS_PER_PLACE:
        errors["file"] = [
            _("Vous avez déjà joint %(n)d justificatifs à cet endroit : c'est le maximum.")
            % {"n": MAX_PROOFS_PER_PLACE}
        ]
    elif upload is None:
        errors["file"] = [_("Choisissez un fichier.")]
    else:
        try:
            checked = uploads.check_upload(upload, accepted=FILE_KINDS)
        except uploads.UploadRefused as error:
            errors["file"] = [str(error)]
    if errors:
        # A browser cannot be given the file back: say so where the user looks for it.
        errors.setdefault("file", [FILE_NOT_JOINED])
        raise ValidationError(errors)
    return checked


def vae_proof_add(
    *,
    candidacy: Candidacy,
    by: User,
    kind: str,
    experience: VaeExperience | None,
    upload: UploadedFile | None,
    expected_state: str | None = None,
) -> VaeProof:
    """The candidate joins a proof to partie 2: to the request itself (`experience` None:
    the identity document) or to one of its declared periods, while partie 2 may change.

    Refusals, nothing stored: ConcurrentChange when the candidacy left `expected_state`;
    PermissionDenied for whoever may not change partie 2 now, or a period of another
    request; field errors on `kind` (not taken at this place) and `file` (missing, refused
    by its content, or one too many).

    Side effects, in one transaction under the candidacy's lock: the file is stored under
    a random name with the extension of its true type, and its row created (the file is
    removed again if the row cannot be). The proof returned carries whether its name was
    shortened as `name_shortened`.
    """
    with transaction.atomic():
        locked = _lock(candidacy)
        check_expected(state=locked.state, expected_state=expected_state)
        if not permissions.can_edit_vae_request(locked, by):
            raise PermissionDenied
        request = locked.vae_request
        if experience is not None and experience.request_id != request.pk:
            raise PermissionDenied
        checked = _checked(locked, experience, kind=kind, upload=upload)
        proof = VaeProof(request=request, experience=experience, kind=kind, uploaded_by=by)
        return uploads.store_checked(proof, checked, upload, stem="justificatif")


def vae_proof_delete(
    *, candidacy: Candidacy, by: User, proof: VaeProof, expected_state: str | None = None
) -> None:
    """The candidate removes a proof of partie 2, while partie 2 may change.

    Refusals as for vae_proof_add. Side effects: the row is deleted; the stored file only
    after commit.
    """
    with transaction.atomic():
        locked = _lock(candidacy)
        check_expected(state=locked.state, expected_state=expected_state)
        if (
            not permissions.can_edit_vae_request(locked, by)
            or proof.request_id != locked.vae_request.pk
        ):
            raise PermissionDenied
        proof.delete()
        # The file goes only once the row is gone for good.
        transaction.on_commit(lambda: proof.file.storage.delete(proof.file.name))
