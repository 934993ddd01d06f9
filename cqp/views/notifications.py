from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..utils import paginate


@login_required
def notification_list(request):
    page = paginate(request, selectors.notification_list(user=request.user))
    return render(request, "cqp/notification_list.html", {"page": page})


@login_required
@require_POST
def notifications_mark_read(request):
    services.notifications_mark_read(user=request.user)
    messages.success(request, _("Toutes vos notifications sont marquées comme lues."))
    return redirect("notification_list")
