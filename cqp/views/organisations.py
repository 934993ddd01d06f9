from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import selectors, services
from ..decorators import secretariat_required
from ..forms import InvitationForm, OrganisationFilterForm, OrganisationForm
from ..permissions import can_manage_members, can_manage_organisations
from ..utils import paginate
from .helpers import form_page


@login_required
def organisation_list(request):
    filters = OrganisationFilterForm(request.GET)
    filters.is_valid()
    organisations = selectors.organisation_list(
        user=request.user,
        kind=filters.cleaned_data.get("kind", ""),
        q=filters.cleaned_data.get("q", "").strip(),
    )
    return render(
        request,
        "cqp/organisation_list.html",
        {
            "filters": filters,
            "page": paginate(request, organisations),
            "can_create": can_manage_organisations(request.user),
        },
    )


def _organisation_page(request, form, *, action, success, organisation=None):
    return form_page(
        request,
        form,
        action=action,
        success=lambda saved: success % saved.name,
        next_url=lambda saved: reverse("organisation_detail", kwargs={"slug": saved.slug}),
        template="cqp/organisation_form.html",
        context={"organisation": organisation},
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    return _organisation_page(
        request,
        OrganisationForm(request.POST or None),
        # A new organisation is active: the form's switch only serves to deactivate one.
        action=lambda data: services.organisation_create(
            by=request.user, **{k: v for k, v in data.items() if k != "is_active"}
        ),
        success=_("L'organisation « %s » a été créée."),
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def organisation_update(request, slug):
    organisation = selectors.organisation_get(user=request.user, slug=slug)
    return _organisation_page(
        request,
        OrganisationForm(request.POST or None, instance=organisation),
        action=lambda data: services.organisation_update(
            organisation=organisation, by=request.user, **data
        ),
        success=_("L'organisation « %s » a été mise à jour."),
        organisation=organisation,
    )


@login_required
def organisation_detail(request, slug):
    organisation = selectors.organisation_get(user=request.user, slug=slug)
    can_manage = can_manage_members(request.user, organisation)
    context = {
        "organisation": organisation,
        "can_manage": can_manage,
        "can_edit": can_manage_organisations(request.user),
    }
    if can_manage:
        context["page"] = paginate(request, selectors.member_list(organisation=organisation))
        context["invitations"] = selectors.pending_invitation_list(organisation=organisation)
    return render(request, "cqp/organisation_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_create(request, slug):
    organisation = selectors.managed_organisation_get(user=request.user, slug=slug)
    return form_page(
        request,
        InvitationForm(request.POST or None),
        action=lambda data: services.invitation_create(
            organisation=organisation, by=request.user, **data
        ),
        success=lambda invitation: _("Invitation envoyée à %s.") % invitation.email,
        next_url=reverse("organisation_detail", kwargs={"slug": organisation.slug}),
        template="cqp/invitation_form.html",
        context={
            "organisation": organisation,
            "validity_days": settings.INVITATION_VALIDITY_DAYS,
        },
    )
