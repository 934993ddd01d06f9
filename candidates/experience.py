"""Relevant professional experience for the VAE: overlapping periods count once, and
durations are calendar durations (DESIGN.md, « Rules from the scheme »)."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cqp.utils import add_months

# Where months are walked from when a figure has no first day (a day count kept on record):
# a 1 January followed by three years without a 29 February.
_ANCHOR = datetime.date(2001, 1, 1)


def required_days(years: int, *, on: datetime.date) -> int:
    """The days of the calendar span from the same date `years` earlier to the day before
    `on`, both included: 1,096 for 3 years when the span holds a 29 February, else 1,095.

    The earlier date is `cqp.utils.add_months(on, -12 * years)`: for a request on
    29 February it is 28 February (the span then holds 1,096 days: 3 calendar years are
    completed by 28 February only by a period that started on 28 February or before).
    """
    return (on - add_months(on, -12 * years)).days


@dataclass(frozen=True)
class Experience:
    """`days` days of experience (overlaps counted once), the first of them on `start`."""

    days: int
    start: datetime.date | None = None

    def at_least_years(self, years: int, *, on: datetime.date) -> bool:
        """At least `years` calendar years at a request made on `on`."""
        return self.days >= required_days(years, on=on)

    def years_and_months(self) -> tuple[int, int]:
        """The calendar years and months that `days` days make, walked from `start`.

        Months are counted from the first day of the experience (or a fixed 1 January for
        a figure without one): the most whole calendar months `m` such that the days from
        `start` to `add_months(start, m)` do not exceed `days`, what is left (less than a
        month) being dropped. For a single unbroken period this is the exact calendar
        difference between its first day and the day after its last (2020-01-01 →
        2023-06-30: 3 years and 6 months); for separate periods it is their total of days
        laid end to end from the first day, so a gap never adds to the figure.
        """
        start = self.start or _ANCHOR
        months = self.days // 31  # a month holds at most 31 days: never too many
        while (add_months(start, months + 1) - start).days <= self.days:
            months += 1
        return divmod(months, 12)

    def display(self) -> str:
        """« 3 ans et 6 mois (1277 jours) »: calendar years and months, and the day count."""
        years, months = self.years_and_months()
        return _("%(years)s et %(months)s (%(days)d jours)") % {
            "years": ngettext("%(n)d an", "%(n)d ans", years) % {"n": years},
            "months": ngettext("%(n)d mois", "%(n)d mois", months) % {"n": months},
            "days": self.days,
        }


def relevant_experience(periods, *, on: datetime.date) -> Experience:
    """The experience at a request made on `on`: the days before `on` covered by the
    relevant periods (both ends of each included, overlaps counted once), and the first of
    them.

    The request day itself does not count (the span it is compared with ends the day
    before, see `required_days`): a period without an end, or ending on or after `on`,
    counts until the day before.
    """
    last = on - datetime.timedelta(days=1)
    spans = []
    for period in periods:
        if not period.is_relevant:
            continue
        end = min(period.end_date or last, last)
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
    return Experience(days=total, start=spans[0][0] if spans else None)


def experience_summary(candidacy) -> dict:
    """Partie 2's figure: the declared periods and the relevant experience against the minimum.

    Once the request is submitted, the figure that counts is the one at the request date.
    `required_days` is the day count the minimum stands for on that date.
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
        "experience_ok": experience.at_least_years(minimum, on=on),
        "minimum_years": minimum,
        "required_days": required_days(minimum, on=on),
    }
