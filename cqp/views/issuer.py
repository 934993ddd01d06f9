from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import services_issuer
from ..decorators import secretariat_required
from ..forms_issuer import IssuerForm
from ..models import Issuer
from ..uploads import refusals
from .helpers import form_page


@secretariat_required
@require_http_methods(["GET", "POST"])
def issuer_edit(request):
    issuer = Issuer.current()
    form = IssuerForm(
        request.POST or None,
        request.FILES or None,
        instance=issuer,
        refused=refusals(request) if request.method == "POST" else None,
    )
    return form_page(
        request,
        form,
        action=lambda data: services_issuer.issuer_update(by=request.user, **data),
        success=_("L'identité de l'organisme certificateur est mise à jour."),
        next_url=reverse("certification_list"),
        template="cqp/issuer_form.html",
        context={"issuer": issuer},
    )
