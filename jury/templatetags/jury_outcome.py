"""The jury's outcome on the candidacy page (templates/jury/includes/outcome.html): the
candidates app knows nothing of the jury, its page includes the jury's template."""

from django import template
from django.db.models import prefetch_related_objects

from cqp.utils import CompiledQuery

from ..models import Deliberation

register = template.Library()

# Every candidacy page asks, most of them for none: compiled once (cqp.utils.CompiledQuery).
_deliberations = CompiledQuery(
    Deliberation,
    lambda candidacy_pk: Deliberation.objects.filter(candidacy_id=candidacy_pk).select_related(
        "session", "certificate"
    ),
)


@register.filter
def jury_deliberations(candidacy) -> list[Deliberation]:
    """The candidacy's deliberations (the latest session first) with their session,
    certificate, decisions and validations: one query, three more when there are some;
    none when the candidacy was read knowing it has none (`has_deliberations`, a fact of
    the candidacies' pages: jury.selectors)."""
    if getattr(candidacy, "has_deliberations", True) is False:
        return []
    deliberations = _deliberations(candidacy.pk)
    if deliberations:
        prefetch_related_objects(deliberations, "decisions", "validations")
    return deliberations
