"""Relevant professional experience for the VAE: overlapping periods count once."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DAYS_PER_YEAR = 365


@dataclass(frozen=True)
class Experience:
    days: int

    def at_least_years(self, years: int) -> bool:
        return self.days >= years * DAYS_PER_YEAR

    @property
    def years(self) -> int:
        return self.days // DAYS_PER_YEAR

    @property
    def months(self) -> int:
        return (self.days % DAYS_PER_YEAR) * 12 // DAYS_PER_YEAR

    def display(self) -> str:
        years = ngettext("%(n)d an", "%(n)d ans", self.years) % {"n": self.years}
        months = ngettext("%(n)d mois", "%(n)d mois", self.months) % {"n": self.months}
        return _("%(years)s et %(months)s (%(days)d jours)") % {
            "years": years,
            "months": months,
            "days": self.days,
        }


def relevant_experience(periods, *, on: datetime.date) -> Experience:
    """Total days covered by the relevant periods up to `on` (both ends included).

    Periods without an end run until `on`; parts after `on` do not count.
    """
    spans = []
    for period in periods:
        if not period.is_relevant or period.start_date > on:
            continue
        end = min(period.end_date or on, on)
        if end >= period.start_date:
            spans.append((period.start_date, end))
    spans.sort()
    total, current_start, current_end = 0, None, None
    for start, end in spans:
        if current_end is not None and start <= current_end + datetime.timedelta(days=1):
            current_end = max(current_end, end)
            continue
        if current_end is not None:
            total += (current_end - current_start).days + 1
        current_start, current_end = start, end
    if current_end is not None:
        total += (current_end - current_start).days + 1
    return Experience(days=total)
