"""The dossier de suivi et d'évaluation: the candidate's part (accounts and evidence files),
the read-only view for everyone who may see the candidacy, and evidence downloads.

Outsiders get 404 from the selectors; people who may see the dossier but not change it
(or anyone once it is transmitted or closed) get 403 on POST and nothing changes.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from candidates.presenters import candidacy_context
from cqp.utils import apply_service_error
from cqp.views.helpers import Refused

from .. import documents, permissions, selectors, services
from ..evidence import MAX_FILES_PER_COMPETENCE
from ..forms_dossier import AccountForm, EvidenceForm
from ..models import ACCOUNT_MAX_LENGTH


def _refused(request, dossier):
    raise Refused(
        candidacy_context(request, dossier.candidacy, dossier=dossier),
        title=_("Modification impossible"),
        message=services.LOCKED_MESSAGE
        if dossier.is_locked
        else _("Vous ne pouvez pas modifier ce dossier d'évaluation."),
        back_url=reverse("dossier_detail", args=[dossier.candidacy_id]),
        back_label=_("Voir le dossier d'évaluation"),
    )


def _back_to(dossier, competence_pk):
    url = reverse("candidate_dossier", args=[dossier.candidacy_id])
    return redirect(f"{url}#competence-{competence_pk}")


def _size_label(size: int) -> str:
    if size < 1024 * 1024:
        return _("%(size)s Ko") % {"size": formats.number_format(max(1, round(size / 1024)))}
    return _("%(size)s Mo") % {"size": formats.number_format(size / 1024 / 1024, 1)}


def _competences(dossier) -> list:
    competences = selectors.dossier_competences(dossier)
    for competence in competences:
        for file in competence.evidence_files:
            file.size_label = _size_label(file.size)
    return competences


def _auto_id(competence_pk) -> str:
    """Ids unique to one competence's forms, set before validation (error ids derive from them)."""
    value = str(competence_pk)
    return f"id_c{value}_%s" if value.isascii() and value.isdigit() else "id_%s"


def _section(request, dossier, competence, *, kept):
    """The forms of one competence; `kept` holds the bound forms of the one just posted."""
    saved = competence.account.text if competence.account else ""
    account = kept.get("account") or AccountForm(
        # A refused file must not lose the account typed beside it.
        initial={"text": request.POST.get("text", saved) if kept else saved},
        auto_id=_auto_id(competence.pk),
    )
    evidence = kept.get("evidence") or EvidenceForm(
        initial={"competence": competence.pk},
        competences=dossier.competences.all(),
        auto_id=_auto_id(competence.pk),
    )
    return {
        "competence": competence,
        "account_form": account,
        "evidence_form": evidence,
        "can_upload": len(competence.evidence_files) < MAX_FILES_PER_COMPETENCE
        or evidence.is_bound,
    }


def _candidate_page(request, dossier, *, posted=None, **bound):
    """The candidate's page; `posted` names the competence whose `bound` forms come back with errors."""
    sections = [
        _section(request, dossier, c, kept=bound if str(c.pk) == str(posted) else {})
        for c in _competences(dossier)
    ]
    # A competence outside the scope has no section: its errors go at the top of the page.
    stray = (
        []
        if posted is None or any(str(s["competence"].pk) == str(posted) for s in sections)
        else [
            error for form in bound.values() for errors in form.errors.values() for error in errors
        ]
    )
    return render(
        request,
        "evaluations/dossier_candidate.html",
        candidacy_context(
            request,
            dossier.candidacy,
            dossier=dossier,
            sections=sections,
            stray_errors=stray,
            max_files=MAX_FILES_PER_COMPETENCE,
        ),
    )


@login_required
@require_GET
def candidate_dossier(request, pk):
    dossier = selectors.dossier_get(user=request.user, candidacy_pk=pk)
    if not permissions.can_edit_candidate_part(dossier, request.user):
        return redirect("dossier_detail", pk=pk)
    return _candidate_page(request, dossier)


@login_required
@require_POST
def account_save(request, pk, competence_pk):
    dossier = selectors.dossier_get(user=request.user, candidacy_pk=pk)
    if not permissions.can_edit_candidate_part(dossier, request.user):
        return _refused(request, dossier)
    competence = get_object_or_404(dossier.competences, pk=competence_pk)
    form = AccountForm(request.POST, auto_id=_auto_id(competence.pk))
    if form.is_valid():
        try:
            services.account_save(
                dossier=dossier, by=request.user, competence=competence, **form.cleaned_data
            )
        except PermissionDenied:
            return _refused(request, dossier)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Récit enregistré."))
            return _back_to(dossier, competence.pk)
    return _candidate_page(request, dossier, posted=competence.pk, account=form)


@login_required
@require_POST
def evidence_add(request, pk):
    dossier = selectors.dossier_get(user=request.user, candidacy_pk=pk)
    if not permissions.can_edit_candidate_part(dossier, request.user):
        return _refused(request, dossier)
    posted = request.POST.get("competence", "")
    form = EvidenceForm(
        request.POST,
        request.FILES,
        competences=dossier.competences.all(),
        auto_id=_auto_id(posted),
    )
    if form.is_valid():
        try:
            evidence = services.evidence_add(
                dossier=dossier,
                by=request.user,
                competence=form.cleaned_data["competence"],
                upload=form.cleaned_data["file"],
            )
        except PermissionDenied:
            return _refused(request, dossier)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request, _("Pièce « %(name)s » ajoutée.") % {"name": evidence.original_name}
            )
            # The account shares the form: what was typed beside the file is kept too.
            text = request.POST.get("text", "").strip()
            account = (
                evidence.competence
                and dossier.accounts.filter(competence=evidence.competence).first()
            )
            if (
                text
                and len(text) <= ACCOUNT_MAX_LENGTH
                and text != (account.text if account else "")
            ):
                services.account_save(
                    dossier=dossier, by=request.user, competence=evidence.competence, text=text
                )
                messages.success(request, _("Récit enregistré."))
            return _back_to(dossier, evidence.competence_id)
    chosen = form.cleaned_data.get("competence")
    return _candidate_page(request, dossier, posted=chosen.pk if chosen else "", evidence=form)


@login_required
@require_http_methods(["GET", "POST"])
def evidence_delete(request, pk, evidence_pk):
    dossier = selectors.dossier_get(user=request.user, candidacy_pk=pk)
    # Only a file of this very dossier: any other id is a 404, whoever owns it.
    evidence = get_object_or_404(dossier.evidence.select_related("competence"), pk=evidence_pk)
    if not permissions.can_edit_candidate_part(dossier, request.user):
        return _refused(request, dossier)
    if request.method == "POST":
        try:
            services.evidence_delete(dossier=dossier, by=request.user, evidence=evidence)
        except PermissionDenied:
            return _refused(request, dossier)
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
    """Always an attachment, with the type detected at upload: never rendered by the browser."""
    evidence = selectors.evidence_get(user=request.user, pk=evidence_pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _assessment_url(candidacy, user) -> str | None:
    if permissions.evaluator_role(candidacy, user) is None:
        return None
    return reverse("assessment", args=[candidacy.pk])


def pdf_links(dossier) -> dict:
    """A draft preview while the dossier is not transmitted; its latest stored edition, if any."""
    return {
        "pdf_preview": dossier.transmitted_at is None,
        "pdf_document": documents.latest_edition(dossier),
    }


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
    dossier = selectors.dossier_get(user=request.user, candidacy_pk=pk, cycle=_cycle(request))
    candidacy = dossier.candidacy
    context = {
        "dossier": dossier,
        "competences": _competences(dossier),
        "observations": selectors.observation_list(dossier),
        "cycles": list(candidacy.dossiers.order_by("cycle").values_list("cycle", flat=True)),
        "can_edit": permissions.can_edit_candidate_part(dossier, request.user),
        "assessment_url": _assessment_url(candidacy, request.user),
        **pdf_links(dossier),
    }
    return render(
        request, "evaluations/dossier_detail.html", candidacy_context(request, candidacy, **context)
    )
