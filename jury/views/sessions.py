"""Jury sessions: programming, composition, agenda, opening with attendance, closing; and the
revocation of a certificate.

A session the user does not sit on answers 404 (selectors.session_get); a member who sees
the session but may not steer it gets 403. Once closed, a session is read-only: the
services refuse every change and the refusal comes back as a message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cqp.decorators import secretariat_required
from cqp.documents import latest_documents
from cqp.permissions import is_jury, is_secretariat
from cqp.utils import apply_service_error, paginate

from .. import documents, selectors, services
from ..enums import College, SessionState
from ..forms_sessions import AgendaForm, ComposeForm, OpenForm, RevokeForm, SessionForm
from ..models import Certificate
from ..permissions import can_steer


def _colleges(session) -> list[dict]:
    seats = list(session.seats.select_related("member__user").order_by("member__user__last_name"))
    return [
        {"label": label, "seats": [s for s in seats if s.member.college == college]}
        for college, label in College.choices
    ]


def _render_detail(request, session, **bound):
    """The session page; `bound` holds the form just posted, kept with its errors."""
    secretariat = is_secretariat(request.user)
    steer = can_steer(request.user, session)
    planned = session.state == SessionState.PLANNED
    colleges = _colleges(session)
    context = {
        "session": session,
        "colleges": colleges,
        "has_seats": any(c["seats"] for c in colleges),
        "agenda": selectors.session_agenda(session=session),
        "is_secretariat": secretariat,
        "can_steer": steer,
        "pv_document": latest_documents("proces_verbal", [session.pk]).get(session.pk),
    }
    if secretariat and planned:
        context["compose_form"] = bound.get("compose_form") or ComposeForm(session=session)
    if secretariat and session.state != SessionState.CLOSED:
        context["agenda_form"] = bound.get("agenda_form") or AgendaForm(user=request.user)
    if steer and planned and context["has_seats"]:
        context["open_form"] = bound.get("open_form") or OpenForm(session=session)
    return render(request, "jury/session_detail.html", context)


def _refused(request, session, error, **bound):
    """Field errors go next to their field; any other (the session is no longer in a state
    that allows the change, so the form is gone) becomes a message."""
    if hasattr(error, "error_dict"):
        apply_service_error(next(iter(bound.values())), error)
        return _render_detail(request, session, **bound)
    messages.error(request, " ".join(error.messages))
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
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("%s programmée : composez-la maintenant.") % session)
            return redirect("session_detail", session.pk)
    return render(request, "jury/session_form.html", {"form": form})


@login_required
def session_detail(request, pk):
    return _render_detail(request, selectors.session_get(user=request.user, pk=pk))


@login_required
def session_dossiers_zip(request, pk):
    """Every dossier of the session's candidacies in one ZIP, for its members and the
    secretariat (anyone else: 404 from the selector)."""
    session = selectors.session_get(user=request.user, pk=pk)
    response = FileResponse(
        documents.session_dossiers_archive(session),
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
    session = selectors.session_get(user=request.user, pk=pk)
    form = ComposeForm(request.POST, session=session)
    if not form.is_valid():
        return _render_detail(request, session, compose_form=form)
    try:
        services.session_compose(session=session, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        return _refused(request, session, error, compose_form=form)
    messages.success(request, _("Composition de la session enregistrée."))
    return redirect("session_detail", session.pk)


@secretariat_required
@require_POST
def session_add_candidacy(request, pk):
    session = selectors.session_get(user=request.user, pk=pk)
    form = AgendaForm(request.POST, user=request.user)
    if not form.is_valid():
        return _render_detail(request, session, agenda_form=form)
    candidacy = form.cleaned_data["candidacy"]
    try:
        services.session_add_candidacy(session=session, by=request.user, candidacy=candidacy)
    except ValidationError as error:
        return _refused(request, session, error, agenda_form=form)
    messages.success(
        request, _("La candidature de %s est inscrite à la session.") % candidacy.candidate
    )
    return redirect("session_detail", session.pk)


@secretariat_required
@require_http_methods(["GET", "POST"])
def session_remove_candidacy(request, pk, deliberation_pk):
    session = selectors.session_get(user=request.user, pk=pk)
    deliberation = selectors.deliberation_get(user=request.user, pk=deliberation_pk)
    if deliberation.session_id != session.pk:
        raise Http404
    if request.method == "POST":
        try:
            services.session_remove_candidacy(deliberation=deliberation, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("La candidature de %s est retirée de la session.")
                % deliberation.candidacy.candidate,
            )
        return redirect("session_detail", session.pk)
    return render(
        request,
        "jury/session_remove_candidacy.html",
        {"session": session, "deliberation": deliberation},
    )


@login_required
@require_POST
def session_open(request, pk):
    session = selectors.session_get(user=request.user, pk=pk)
    if not can_steer(request.user, session):
        raise PermissionDenied
    form = OpenForm(request.POST, session=session)
    if not form.is_valid():
        return _render_detail(request, session, open_form=form)
    present = [member.pk for member in form.cleaned_data["present"]]
    try:
        services.session_open(session=session, by=request.user, present_member_ids=present)
    except ValidationError as error:
        return _refused(request, session, error, open_form=form)
    messages.success(request, _("La session est ouverte : les présences sont enregistrées."))
    return redirect("session_detail", session.pk)


@login_required
@require_http_methods(["GET", "POST"])
def session_close(request, pk):
    session = selectors.session_get(user=request.user, pk=pk)
    if not can_steer(request.user, session):
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.session_close(session=session, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("La session est close : elle ne peut plus être modifiée."))
        return redirect("session_detail", session.pk)
    if session.state != SessionState.OPEN:
        return redirect("session_detail", session.pk)
    pending = session.candidacy_count - session.decided_count
    return render(request, "jury/session_close.html", {"session": session, "pending": pending})


@secretariat_required
@require_http_methods(["GET", "POST"])
def certificate_revoke(request, pk):
    certificate = get_object_or_404(
        Certificate.objects.select_related(
            "deliberation__candidacy__candidate__user",
            "deliberation__candidacy__certification",
            "revoked_by",
        ),
        pk=pk,
    )
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(
                certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Certificat révoqué."))
            return redirect("session_detail", certificate.deliberation.session_id)
    return render(
        request, "jury/certificate_revoke.html", {"form": form, "certificate": certificate}
    )
