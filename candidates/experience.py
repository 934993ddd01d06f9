"""Relevant professional experience for the VAE: overlapping periods count once."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
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


def experience_summary(candidacy) -> dict:
    """Partie 2's figure: the declared periods and the relevant experience against the minimum.

    Once the request is submitted, the figure that counts is the one at the request date.
    """
    vae_request = getattr(candidacy, "vae_request", None)
    experiences = list(vae_request.experiences.all()) if vae_request else []
    on = (vae_request and vae_request.submitted_on) or timezone.localdate()
    experience = relevant_experience(experiences, on=on)
    minimum = candidacy.certification.vae_min_experience_years
    return {
        "experiences": experiences,
        "experience": experience,
        "experience_on": on,
        "experience_ok": experience.at_least_years(minimum),
        "minimum_years": minimum,
    }
