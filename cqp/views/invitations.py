from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import selectors, services
from ..forms import InvitationAcceptForm
from ..utils import apply_service_error


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    """Open to anonymous visitors: the token in the e-mailed link is the credential."""
    invitation = selectors.invitation_get_pending(token=token)
    user = request.user if request.user.is_authenticated else None
    if user is not None and user.email.lower() != invitation.email.lower():
        return render(
            request, "cqp/invitation_accept.html", {"invitation": invitation, "wrong_account": True}
        )
    form = None if user else InvitationAcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and (form is None or form.is_valid()):
        fields = (
            {}
            if form is None
            else {
                "first_name": form.cleaned_data["first_name"],
                "last_name": form.cleaned_data["last_name"],
                "password": form.cleaned_data["password1"],
            }
        )
        try:
            user = services.invitation_accept(invitation=invitation, user=user, **fields)
        except ValidationError as error:
            if form is None:
                messages.error(request, " ".join(error.messages))
                return redirect("dashboard")
            apply_service_error(form, error)
        else:
            if not request.user.is_authenticated:
                login(request, user, backend="cqp.backends.FactsModelBackend")
            messages.success(
                request, _("Bienvenue : vous avez rejoint « %s ».") % invitation.organisation.name
            )
            return redirect("dashboard")
    return render(request, "cqp/invitation_accept.html", {"invitation": invitation, "form": form})
