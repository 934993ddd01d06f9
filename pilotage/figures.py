"""The figures of /pilotage/, kept for a few minutes.

Every figure aggregates the period's candidacies and their audit log: at 100,000
candidacies that is one to two seconds of SQL, for figures that move a few times an hour.
So the page shows figures computed at most PILOTAGE_CACHE_SECONDS ago (10 minutes by
default), says when they were computed, and the beat task `warm_pilotage` computes the
secretariat's default view before anyone asks. The key is the filters (the period, the
organisations in scope, the certification, the pathway) and the day; the language is not
in it: labels stay lazy translations until the page renders them.
"""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from . import stats

KEY_PREFIX = "pilotage:v1:"


def cache_key(filters: stats.Filters, today: datetime.date) -> str:
    digest = hashlib.sha256(repr((filters, today)).encode()).hexdigest()
    return KEY_PREFIX + digest


def figures(filters: stats.Filters, today: datetime.date) -> tuple[dict, datetime.datetime]:
    """The page's figures and when they were computed: from the cache while they are
    PILOTAGE_CACHE_SECONDS old or less, else computed now (and kept)."""
    if settings.PILOTAGE_CACHE_SECONDS > 0:
        kept = cache.get(cache_key(filters, today))
        if kept is not None:
            return kept
    return _compute_and_keep(filters, today)


def _compute_and_keep(filters: stats.Filters, today: datetime.date):
    computed = (stats.all_figures(filters, today), timezone.now())
    if settings.PILOTAGE_CACHE_SECONDS > 0:
        cache.set(cache_key(filters, today), computed, settings.PILOTAGE_CACHE_SECONDS)
    return computed


def default_view(today: datetime.date) -> stats.Filters:
    """The secretariat's view when it opens /pilotage/: every organisation, the last 12
    months."""
    start, end = stats.default_period(today)
    return stats.Filters(start=start, end=end)


def warm(today: datetime.date | None = None) -> int:
    """Compute and keep the secretariat's default view (the beat task); how many views."""
    today = today or timezone.localdate()
    _compute_and_keep(default_view(today), today)
    return 1
