from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import selectors, services_registry
from ..decorators import secretariat_required
from ..forms_registry import CertificationRegistryForm
from ..models import Issuer
from ..permissions import is_secretariat
from .helpers import form_page


@login_required
def certification_list(request):
    return render(
        request,
        "cqp/certification_list.html",
        {
            "certifications": selectors.certification_list(),
            # The secretariat sees and edits the identity its documents are issued under.
            "issuer": Issuer.current() if is_secretariat(request.user) else None,
        },
    )


@login_required
def certification_detail(request, code):
    return render(
        request,
        "cqp/certification_detail.html",
        {
            "certification": selectors.certification_get(code=code),
            "can_edit_registry": is_secretariat(request.user),
        },
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def certification_registry_edit(request, code):
    certification = selectors.certification_get(code=code)
    return form_page(
        request,
        CertificationRegistryForm(request.POST or None, instance=certification),
        action=lambda data: services_registry.certification_registry_update(
            certification=certification, by=request.user, **data
        ),
        success=_("L'enregistrement de la certification au répertoire national est mis à jour."),
        next_url=reverse("certification_detail", args=[certification.code]),
        template="cqp/certification_registry_form.html",
        context={"certification": certification},
    )
