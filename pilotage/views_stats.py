from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from cqp.permissions import is_secretariat
from cqp.selectors import managed_organisation_list

from . import figures as kept_figures
from . import presenters
from .forms import OrganisationChoice, PilotageFilterForm


@login_required
def pilotage(request):
    """The statistics: every organisation for the secretariat, a gestionnaire's own
    organisations for them, 404 for anyone else and for an organisation outside these."""
    secretariat = is_secretariat(request.user)
    # Their key, slug and name only, as tuples: the secretariat's select offers every
    # organisation (400 model instances built per request at 100,000 candidacies).
    organisations = [
        OrganisationChoice(*row)
        for row in managed_organisation_list(user=request.user).values_list("pk", "slug", "name")
    ]
    if not secretariat and not organisations:
        raise Http404
    slug = request.GET.get("organisation", "")
    if slug and slug not in {o.slug for o in organisations}:
        raise Http404
    form = PilotageFilterForm(request.GET, organisations=organisations, secretariat=secretariat)
    context = {"form": form, "secretariat": secretariat}
    if form.is_valid():
        filters = form.filters()
        figures, computed_at = kept_figures.figures(filters, timezone.localdate())
        context.update(
            filters=filters,
            figures=figures,
            computed_at=computed_at,
            kept_minutes=settings.PILOTAGE_CACHE_SECONDS // 60,
            charts=presenters.charts(figures),
            key_figures=presenters.key_figures(figures),
            result_rows=presenters.result_rows(figures["outcomes"]),
        )
    return render(request, "pilotage/pilotage.html", context)
