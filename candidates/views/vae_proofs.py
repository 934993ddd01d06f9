"""The proofs of partie 2: the candidate joins and deletes them while the request may change;
whoever may read partie 2 downloads them (each download logged). Outsiders, and a period or
a proof of another candidacy, get 404."""

from csp.decorators import csp_exempt
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from cqp import services as core_services
from cqp import uploads
from cqp.models import DownloadKind

from .. import permissions, services_vae
from ..access import authorize, candidacy_for, candidacy_form_page, refusal_on, seen_state
from ..forms_vae import VaeProofForm
from ..presenters import candidacy_context
from .vae import _is_vae

# Opened in the browser: the types it shows itself, never a document it would run.
SHOWN_INLINE = {uploads.PDF.content_type, uploads.JPEG.content_type, uploads.PNG.content_type}


def _experience_of(request, candidacy):
    """The period named by `?experience=`, which must be one of this request's; None: the
    request itself."""
    value = request.GET.get("experience")
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return get_object_or_404(candidacy.vae_request.experiences, pk=value)


def _proof_of(candidacy, proof_pk):
    return get_object_or_404(candidacy.vae_request.proofs.select_related("experience"), pk=proof_pk)


def _back_url(candidacy, experience) -> str:
    anchor = f"periode-{experience.pk}" if experience else "justificatifs"
    return reverse("vae_request_edit", args=[candidacy.pk]) + f"#{anchor}"


def _added(proof) -> str:
    if proof.name_shortened:
        added = _("Justificatif « %(name)s » ajouté : son nom, trop long, a été raccourci.")
    else:
        added = _("Justificatif « %(name)s » ajouté.")
    return added % {"name": proof.original_name}


@login_required
@require_http_methods(["GET", "POST"])
def vae_proof_add(request, pk):
    candidacy = candidacy_for(request, pk, has=_is_vae)
    experience = _experience_of(request, candidacy)
    authorize(request, candidacy, permissions.can_edit_vae_request)
    posted = (request.POST, request.FILES) if request.method == "POST" else ()
    form = VaeProofForm(
        *posted,
        refused=uploads.refusals(request) if posted else None,
        kinds=services_vae.proof_kinds(candidacy, experience),
        refusal=services_vae.kind_refusal(candidacy, experience),
    )
    return candidacy_form_page(
        request,
        candidacy,
        form,
        action=lambda data: services_vae.vae_proof_add(
            candidacy=candidacy,
            by=request.user,
            kind=data["kind"],
            experience=experience,
            upload=data["file"],
            expected_state=seen_state(request, candidacy),
        ),
        success=_added,
        next_url=_back_url(candidacy, experience),
        template="candidates/vae_proof_form.html",
        context={"experience": experience},
    )


@login_required
@require_http_methods(["GET", "POST"])
def vae_proof_delete(request, pk, proof_pk):
    """Confirm, then delete one proof."""
    candidacy = candidacy_for(request, pk, has=_is_vae)
    proof = _proof_of(candidacy, proof_pk)
    authorize(request, candidacy, permissions.can_edit_vae_request)
    if request.method == "POST":
        with refusal_on(request, candidacy):
            services_vae.vae_proof_delete(
                candidacy=candidacy,
                by=request.user,
                proof=proof,
                expected_state=seen_state(request, candidacy),
            )
        messages.success(request, _("Justificatif supprimé."))
        return redirect(_back_url(candidacy, proof.experience))
    context = {
        "title": _("Supprimer ce justificatif ?"),
        "item": f"{proof.get_kind_display()} — {proof.original_name}",
        "cancel_url": "vae_request_edit",
    }
    return render(
        request,
        "candidates/vae_confirm_delete.html",
        candidacy_context(request, candidacy, **context),
    )


# A PDF or an image opens in the browser: Chromium's PDF viewer is a page of its own, with
# inline styles, which the pages' CSP would break. A file checked on its content at upload,
# served with its detected type and nosniff, never HTML.
@login_required
@csp_exempt()
@require_GET
@never_cache
def vae_proof_download(request, pk, proof_pk):
    """The proof, for whoever may read partie 2 (404 for anyone else): shown in the browser
    for a PDF or an image, else an attachment. Each download is recorded in the download log."""
    candidacy = candidacy_for(request, pk, has=_is_vae)
    proof = _proof_of(candidacy, proof_pk)
    try:
        handle = proof.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    core_services.downloads_record(
        by=request.user,
        kind=DownloadKind.EVIDENCE,
        items=[core_services.Downloaded(proof, proof.original_name, candidacy.pk)],
    )
    response = FileResponse(
        handle,
        as_attachment=proof.content_type not in SHOWN_INLINE,
        filename=proof.original_name,
        content_type=proof.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
