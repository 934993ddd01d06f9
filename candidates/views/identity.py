"""The candidate's civil identity, as printed on a certificate: the candidate declares it
(asked when their dossier is transmitted to the jury) and corrects it until it is checked;
the secretariat edits it with the same form and marks it « vérifié » at instruction.

Nobody else sees it (404): not the organisation, not the evaluators, not the jury.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cqp.decorators import secretariat_required
from cqp.views.helpers import form_page

from .. import permissions, services_identity
from ..access import candidacy_for, refuse
from ..forms_identity import IdentityForm
from ..presenters import candidacy_context


def _identity_candidacy(request, pk):
    candidacy = candidacy_for(request, pk)
    if not permissions.can_see_identity(candidacy, request.user):
        raise Http404
    return candidacy


@login_required
@require_http_methods(["GET", "POST"])
def candidate_identity(request, pk):
    candidacy = _identity_candidacy(request, pk)
    candidate = candidacy.candidate
    can_edit = permissions.can_edit_identity(candidate, request.user)
    if request.method == "POST" and not can_edit:
        refuse(
            request,
            candidacy,
            message=_(
                "Votre état civil a été vérifié par le secrétariat de la CPEF : pour le "
                "corriger, adressez-vous à lui."
            ),
        )
    own = candidate.user_id == request.user.pk
    url = reverse("candidate_identity", args=[candidacy.pk])
    return form_page(
        request,
        IdentityForm(request.POST or None, instance=candidate, own=own),
        action=lambda data: services_identity.identity_declare(
            candidate=candidate, by=request.user, **data
        ),
        success=_(
            "Votre état civil est enregistré. Le secrétariat de la CPEF le vérifiera avant le jury."
        )
        if own
        else _("État civil enregistré pour %(name)s.") % {"name": candidate},
        next_url=reverse("candidacy_detail", args=[candidacy.pk]) if own else url,
        template="candidates/identity.html",
        context=candidacy_context(
            request,
            candidacy,
            candidate=candidate,
            can_edit=can_edit,
            can_check=permissions.can_check_identity(request.user),
            own=own,
        ),
    )


@secretariat_required
@require_POST
def candidate_identity_check(request, pk):
    candidacy = candidacy_for(request, pk)
    try:
        services_identity.identity_check(
            candidate=candidacy.candidate, by=request.user, seen=request.POST.get("seen", "")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("État civil vérifié pour %(name)s.") % {"name": candidacy.candidate},
        )
    return redirect("candidate_identity", pk=candidacy.pk)
