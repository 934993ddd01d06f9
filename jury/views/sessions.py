"""Jury sessions: programming, editing and cancelling until it opens, composition, agenda,
opening with attendance, closing; and the revocation of a certificate.

A session the user does not sit on answers 404 (jury.access); a member who sees the session
but may not steer it gets the refusal page. Once closed, a session is read-only: the
services refuse every change and the refusal comes back as a message.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cqp import services as core_services
from cqp.decorators import secretariat_required
from cqp.models import DownloadKind
from cqp.permissions import is_jury, is_secretariat
from cqp.utils import apply_service_error, paginate
from cqp.views.helpers import form_page

from .. import documents, presenters, selectors, services
from ..access import (
    certificate_for,
    check_session_fresh,
    deliberation_for,
    refusal_on,
    session_for,
    session_form_page,
    session_race_on,
)
from ..enums import SessionState
from ..forms_sessions import CancelForm, ComposeForm, OpenForm, RevokeForm, SessionForm
from ..permissions import can_steer


def _session_page(request, session, **bound):
    return render(
        request, "jury/session_detail.html", presenters.session_context(request, session, **bound)
    )


def _session_post(
    request,
    session,
    action: Callable[[dict], object],
    *,
    success: str | Callable[[object], str],
    form=None,
    form_name: str = "",
):
    """Run one service from a POST on the session page, then back to that page with a message.

    The posted `form` (shown on the page as `form_name`) comes back with its errors when it
    or the service rejects a field; any other refusal from the service comes back as a
    message. Posted once the session has moved on, or refused because it moved meanwhile,
    the message says so (ConcurrentChange).
    """
    check_session_fresh(request, session)
    if form is not None and not form.is_valid():
        return _session_page(request, session, **{form_name: form})
    try:
        with refusal_on(session), session_race_on(request, session):
            result = action(form.cleaned_data if form is not None else {})
    except ValidationError as error:
        if form is None or not hasattr(error, "error_dict"):
            messages.error(request, " ".join(error.messages))
            return redirect("session_detail", session.pk)
        apply_service_error(form, error)
        return _session_page(request, session, **{form_name: form})
    messages.success(request, success(result) if callable(success) else success)
    return redirect("session_detail", session.pk)


@login_required
def session_list(request):
    if not (is_secretariat(request.user) or is_jury(request.user)):
        raise Http404
    page = paginate(request, selectors.session_list(user=request.user))
    return render(
        request,
        "jury/session_list.html",
        {"page": page, "is_secretariat": is_secretariat(request.user)},
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def session_create(request):
    return form_page(
        request,
        SessionForm(request.POST or None),
        action=lambda data: services.session_create(by=request.user, **data),
        success=lambda session: _("%s programmée : composez-la maintenant.") % session,
        next_url=lambda session: reverse("session_detail", args=[session.pk]),
        template="jury/session_form.html",
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def session_edit(request, pk):
    session = session_for(request, pk)
    if request.method == "POST":
        check_session_fresh(request, session)
    return session_form_page(
        request,
        session,
        SessionForm.of(session, request.POST or None),
        action=lambda data: services.session_edit(session=session, by=request.user, **data),
        success=_("Session modifiée : ses membres et les candidats inscrits en sont informés."),
        next_url=reverse("session_detail", args=[session.pk]),
        template="jury/session_form.html",
        context={"session": session},
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def session_cancel(request, pk):
    session = session_for(request, pk)
    if request.method == "POST":
        check_session_fresh(request, session)
    return session_form_page(
        request,
        session,
        CancelForm(request.POST or None),
        action=lambda data: services.session_cancel(session=session, by=request.user, **data),
        success=_("Session annulée : ses candidatures attendent une nouvelle session."),
        next_url=reverse("session_detail", args=[session.pk]),
        template="jury/session_cancel.html",
        context={"session": session, "agenda": selectors.session_agenda(session=session)},
    )


@login_required
def session_detail(request, pk):
    return _session_page(request, session_for(request, pk))


@login_required
@require_GET
def session_dossiers_zip(request, pk):
    """Every dossier of the session's candidacies in one ZIP, for its members and the
    secretariat (anyone else: 404); each document it holds is recorded in the download log."""
    session = session_for(request, pk)
    archive, included = documents.session_dossiers_archive(session)
    core_services.downloads_record(
        by=request.user,
        kind=DownloadKind.DOCUMENT,
        items=[
            core_services.Downloaded(document, document.title, candidacy_pk)
            for document, candidacy_pk in included
        ],
    )
    response = FileResponse(
        archive,
        as_attachment=True,
        filename=f"session-{session.date:%Y-%m-%d}-dossiers.zip",
        content_type="application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@secretariat_required
@require_POST
def session_compose(request, pk):
    session = session_for(request, pk)
    return _session_post(
        request,
        session,
        lambda data: services.session_compose(session=session, by=request.user, **data),
        success=_("Composition de la session enregistrée."),
        form=ComposeForm(request.POST, session=session),
        form_name="compose_form",
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def session_remove_candidacy(request, pk, deliberation_pk):
    session = session_for(request, pk)
    if request.method == "POST" and not selectors.deliberation_exists(pk=deliberation_pk):
        messages.error(request, services.ALREADY_REMOVED)  # by someone else, meanwhile
        return redirect("session_detail", session.pk)
    deliberation = deliberation_for(request, deliberation_pk, session=session)
    if request.method == "POST":
        return _session_post(
            request,
            session,
            lambda data: services.session_remove_candidacy(
                deliberation=deliberation, by=request.user
            ),
            success=_("La candidature de %s est retirée de la session.")
            % deliberation.candidacy.candidate,
        )
    return render(
        request,
        "jury/session_remove_candidacy.html",
        {"session": session, "deliberation": deliberation},
    )


@login_required
@require_POST
def session_open(request, pk):
    session = session_for(request, pk, may=can_steer)
    return _session_post(
        request,
        session,
        lambda data: services.session_open(
            session=session, by=request.user, present_member_ids=[m.pk for m in data["present"]]
        ),
        success=_("La session est ouverte : les présences sont enregistrées."),
        form=OpenForm(request.POST, session=session),
        form_name="open_form",
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_close(request, pk):
    session = session_for(request, pk, may=can_steer)
    if request.method == "POST":
        return _session_post(
            request,
            session,
            lambda data: services.session_close(session=session, by=request.user),
            success=_("La session est close : elle ne peut plus être modifiée."),
        )
    if session.state != SessionState.OPEN:
        return redirect("session_detail", session.pk)
    pending = session.candidacy_count - session.decided_count
    return render(request, "jury/session_close.html", {"session": session, "pending": pending})


@secretariat_required
@require_http_methods(["GET", "POST"])
def certificate_revoke(request, pk):
    certificate = certificate_for(request, pk)
    session = certificate.deliberation.session
    return session_form_page(
        request,
        session,
        RevokeForm(request.POST or None),
        action=lambda data: services.certificate_revoke(
            certificate=certificate, by=request.user, **data
        ),
        success=_("Certificat révoqué."),
        next_url=reverse("session_detail", args=[session.pk]),
        template="jury/certificate_revoke.html",
        context={"certificate": certificate},
    )
