from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import selectors, services
from ..decorators import secretariat_required
from ..forms import InvitationForm, OrganisationFilterForm, OrganisationForm
from ..permissions import can_manage_members, can_manage_organisations
from ..utils import apply_service_error, paginate


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


@secretariat_required
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "is_active"}
        organisation = services.organisation_create(by=request.user, **data)
        messages.success(request, _("L'organisation « %s » a été créée.") % organisation.name)
        return redirect("organisation_detail", slug=organisation.slug)
    return render(request, "cqp/organisation_form.html", {"form": form})


@secretariat_required
@require_http_methods(["GET", "POST"])
def organisation_update(request, slug):
    organisation = selectors.organisation_get(user=request.user, slug=slug)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.organisation_update(
            organisation=organisation, by=request.user, **form.cleaned_data
        )
        messages.success(request, _("L'organisation « %s » a été mise à jour.") % organisation.name)
        return redirect("organisation_detail", slug=organisation.slug)
    return render(
        request, "cqp/organisation_form.html", {"form": form, "organisation": organisation}
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
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                organisation=organisation, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Invitation envoyée à %s.") % invitation.email)
            return redirect("organisation_detail", slug=organisation.slug)
    context = {
        "form": form,
        "organisation": organisation,
        "validity_days": settings.INVITATION_VALIDITY_DAYS,
    }
    return render(request, "cqp/invitation_form.html", context)
