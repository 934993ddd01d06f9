"""The dossier de suivi et d'évaluation: the candidate's part (accounts and evidence files),
the read-only view for everyone who may see the candidacy, and evidence downloads.

Outsiders get 404 from the selectors; people who may see the dossier but not change it
(or anyone once it is transmitted or closed) get 403 on POST and nothing changes.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from candidates.presenters import candidacy_context
from cqp import services as core_services
from cqp import uploads
from cqp.models import DownloadKind
from cqp.utils import apply_service_error

from .. import permissions, presenters, selectors, services
from ..access import authorize_change, change_refusal_on, dossier_for, evidence_of
from ..forms_dossier import AccountForm, EvidenceForm


def _back_to(dossier, competence_pk):
    url = reverse("candidate_dossier", args=[dossier.candidacy_id])
    return redirect(f"{url}#competence-{competence_pk}")


def _candidate_page(request, dossier, *, posted=None, **bound):
    """The candidate's page; `posted` names the competence whose `bound` forms come back with errors."""
    sections = presenters.candidate_sections(dossier, posted=posted, bound=bound)
    return render(
        request,
        "evaluations/dossier_candidate.html",
        candidacy_context(request, dossier.candidacy, dossier=dossier, **sections),
    )


def _submit(request, dossier, form, *, kept_as: str, action, success, posted):
    """One form of the candidate's page runs its service: `success(result)` lists the messages,
    then back to the result's competence. Errors bring the page back with the form bound (as
    `kept_as`) in the section of the competence `posted()` names.

    Not `form_page`: its page context is built before the service runs, while this page
    places the refused form (and its stray errors) from what the service refused."""
    if form.is_valid():
        try:
            with change_refusal_on(request, dossier):
                result = action(form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            for message in success(result):
                messages.success(request, message)
            return _back_to(dossier, result.competence_id)
    return _candidate_page(request, dossier, posted=posted(), **{kept_as: form})


@login_required
@require_GET
def candidate_dossier(request, pk):
    dossier = dossier_for(request, pk)
    if not permissions.can_edit_candidate_part(dossier, request.user):
        return redirect("dossier_detail", pk=pk)
    return _candidate_page(request, dossier)


@login_required
@require_POST
def account_save(request, pk, competence_pk):
    dossier = dossier_for(request, pk)
    authorize_change(request, dossier)
    competence = get_object_or_404(dossier.competences, pk=competence_pk)
    form = AccountForm(request.POST, auto_id=presenters.auto_id(competence.pk))
    return _submit(
        request,
        dossier,
        form,
        kept_as="account",
        action=lambda data: services.account_save(
            dossier=dossier, by=request.user, competence=competence, **data
        ),
        success=lambda account: [_("Récit enregistré.")],
        posted=lambda: competence.pk,
    )


@login_required
@require_POST
def evidence_add(request, pk):
    dossier = dossier_for(request, pk)
    authorize_change(request, dossier)
    form = EvidenceForm(
        request.POST,
        request.FILES,
        refused=uploads.refusals(request),
        competences=dossier.competences.all(),
        auto_id=presenters.auto_id(request.POST.get("competence", "")),
    )
    return _submit(
        request,
        dossier,
        form,
        kept_as="evidence",
        action=lambda data: services.evidence_add(
            dossier=dossier,
            by=request.user,
            competence=data["competence"],
            upload=data["file"],
            text=data["text"],
        ),
        success=_evidence_added,
        posted=lambda: getattr(form.cleaned_data.get("competence"), "pk", ""),
    )


def _evidence_added(evidence) -> list[str]:
    if evidence.name_shortened:
        added = _("Pièce « %(name)s » ajoutée : son nom, trop long, a été raccourci.")
    else:
        added = _("Pièce « %(name)s » ajoutée.")
    added %= {"name": evidence.original_name}
    return [added, _("Récit enregistré.")] if evidence.saved_account else [added]


@login_required
@require_http_methods(["GET", "POST"])
def evidence_delete(request, pk, evidence_pk):
    dossier = dossier_for(request, pk)
    evidence = evidence_of(dossier, evidence_pk)
    authorize_change(request, dossier)
    if request.method == "POST":
        with change_refusal_on(request, dossier):
            services.evidence_delete(dossier=dossier, by=request.user, evidence=evidence)
        messages.success(request, _("Pièce supprimée."))
        return _back_to(dossier, evidence.competence_id)
    return render(
        request,
        "evaluations/evidence_confirm_delete.html",
        candidacy_context(request, dossier.candidacy, dossier=dossier, evidence=evidence),
    )


@login_required
@require_GET
@never_cache
def evidence_download(request, evidence_pk):
    """Always an attachment, with the type detected at upload: never rendered by the browser.
    Each download is recorded in the download log."""
    evidence = selectors.evidence_get(user=request.user, pk=evidence_pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    core_services.downloads_record(
        by=request.user,
        kind=DownloadKind.EVIDENCE,
        items=[
            core_services.Downloaded(
                evidence, evidence.original_name, evidence.dossier.candidacy_id
            )
        ],
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _cycle(request) -> int | None:
    value = request.GET.get("cycle")
    if value is None:
        return None
    try:
        return int(value)
    except ValueError as error:
        raise Http404 from error


@login_required
@require_GET
def dossier_detail(request, pk):
    dossier = dossier_for(request, pk, cycle=_cycle(request))
    candidacy = dossier.candidacy
    context = {
        "dossier": dossier,
        "competences": presenters.dossier_competences(dossier),
        "observations": selectors.observation_list(dossier),
        "cycles": list(candidacy.dossiers.order_by("cycle").values_list("cycle", flat=True)),
        "can_edit": permissions.can_edit_candidate_part(dossier, request.user),
        "assessment_url": presenters.assessment_url(candidacy, request.user),
        **presenters.pdf_links(dossier),
    }
    return render(
        request, "evaluations/dossier_detail.html", candidacy_context(request, candidacy, **context)
    )
