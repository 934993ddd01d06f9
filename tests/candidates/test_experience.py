import datetime
from types import SimpleNamespace

import pytest

from candidates.experience import Experience, relevant_experience, required_days

ON = datetime.date(2026, 3, 15)


def period(start, end=None, *, relevant=True):
    return SimpleNamespace(start_date=start, end_date=end, is_relevant=relevant)


def d(year, month, day):
    return datetime.date(year, month, day)


def test_relevant_experience_counts_overlapping_periods_once():
    periods = [period(d(2020, 1, 1), d(2020, 12, 31)), period(d(2020, 7, 1), d(2021, 6, 30))]
    # 2020-01-01 .. 2021-06-30, both ends included: 366 (leap year) + 181 days.
    assert relevant_experience(periods, on=ON).days == 547


def test_relevant_experience_counts_a_period_inside_another_once():
    periods = [period(d(2020, 1, 1), d(2020, 12, 31)), period(d(2020, 3, 1), d(2020, 3, 31))]
    assert relevant_experience(periods, on=ON).days == 366


def test_relevant_experience_merges_adjacent_periods():
    periods = [period(d(2020, 2, 1), d(2020, 2, 29)), period(d(2020, 1, 1), d(2020, 1, 31))]
    assert relevant_experience(periods, on=ON).days == 31 + 29


def test_relevant_experience_counts_a_shared_boundary_day_once():
    periods = [period(d(2020, 1, 1), d(2020, 1, 31)), period(d(2020, 1, 31), d(2020, 2, 29))]
    assert relevant_experience(periods, on=ON).days == 31 + 29


def test_relevant_experience_adds_separate_periods():
    periods = [period(d(2020, 1, 1), d(2020, 1, 10)), period(d(2021, 1, 1), d(2021, 1, 5))]
    assert relevant_experience(periods, on=ON).days == 15


def test_relevant_experience_ignores_non_relevant_periods():
    periods = [
        period(d(2020, 1, 1), d(2020, 1, 10)),
        period(d(2015, 1, 1), d(2019, 12, 31), relevant=False),
        period(d(2020, 1, 5), d(2020, 6, 30), relevant=False),
    ]
    assert relevant_experience(periods, on=ON).days == 10


def test_relevant_experience_counts_an_ongoing_period_until_the_day_before_on():
    assert relevant_experience([period(d(2026, 3, 1))], on=ON).days == 14


def test_relevant_experience_ignores_on_and_after():
    assert relevant_experience([period(d(2026, 3, 1), d(2026, 12, 31))], on=ON).days == 14
    assert relevant_experience([period(d(2026, 3, 1), d(2026, 3, 15))], on=ON).days == 14
    assert relevant_experience([period(d(2026, 3, 1), d(2026, 3, 14))], on=ON).days == 14


def test_relevant_experience_ignores_a_period_starting_on_or_after_on():
    periods = [period(d(2026, 3, 15), d(2026, 6, 30)), period(d(2026, 4, 1))]
    assert relevant_experience(periods, on=ON).days == 0


def test_relevant_experience_of_nothing_is_zero():
    assert relevant_experience([], on=ON) == Experience(days=0)


def test_relevant_experience_starts_on_the_first_relevant_day():
    periods = [
        period(d(2021, 5, 1), d(2021, 5, 31)),
        period(d(2019, 1, 1), d(2019, 12, 31), relevant=False),
        period(d(2020, 2, 10), d(2020, 3, 1)),
    ]
    assert relevant_experience(periods, on=ON).start == d(2020, 2, 10)


# The minimum: calendar years back from the request date ------------------------------------


@pytest.mark.parametrize(
    ("on", "days"),
    [
        (d(2026, 11, 29), 1096),  # 2023-11-29 .. 2026-11-28 holds 2024-02-29
        (d(2027, 2, 28), 1096),  # 2024-02-28 .. 2027-02-27 holds it too
        (d(2027, 3, 1), 1095),  # 2024-03-01 .. 2027-02-28: no 29 February
        (d(2026, 6, 15), 1096),
        (d(2027, 6, 15), 1095),
        (d(2028, 2, 29), 1096),  # from 28 February 2025 (no 29 February in 2025)
        (d(2028, 3, 1), 1096),  # 2025-03-01 .. 2028-02-29
        (d(2028, 2, 28), 1095),  # 2025-02-28 .. 2028-02-27
    ],
)
def test_required_days_is_the_calendar_span_before_the_request(on, days):
    assert required_days(3, on=on) == days


def test_required_days_for_other_minimums():
    assert required_days(1, on=d(2024, 3, 1)) == 366
    assert required_days(1, on=d(2025, 3, 1)) == 365
    assert required_days(5, on=d(2026, 11, 29)) == 1826


def test_three_years_refused_one_day_short_across_a_29_february():
    """The issue's case: 2023-11-30 .. 2026-11-28 is 1,095 days, a request on 2026-11-29
    needs 1,096."""
    experience = relevant_experience([period(d(2023, 11, 30), d(2026, 11, 28))], on=d(2026, 11, 29))
    assert experience.days == 1095
    assert not experience.at_least_years(3, on=d(2026, 11, 29))
    assert experience.display() == "2 ans et 11 mois (1095 jours)"


def test_three_years_accepted_on_the_exact_day_across_a_29_february():
    experience = relevant_experience([period(d(2023, 11, 29), d(2026, 11, 28))], on=d(2026, 11, 29))
    assert experience.days == 1096
    assert experience.at_least_years(3, on=d(2026, 11, 29))
    assert experience.display() == "3 ans et 0 mois (1096 jours)"


def test_three_years_without_a_29_february_need_1095_days():
    on = d(2027, 3, 1)
    exact = relevant_experience([period(d(2024, 3, 1), d(2027, 2, 28))], on=on)
    assert exact.days == 1095 and exact.at_least_years(3, on=on)
    short = relevant_experience([period(d(2024, 3, 2), d(2027, 2, 28))], on=on)
    assert short.days == 1094 and not short.at_least_years(3, on=on)


@pytest.mark.parametrize(
    ("start", "on", "enough"),
    [
        (d(2025, 2, 28), d(2028, 2, 29), True),
        (d(2025, 3, 1), d(2028, 2, 29), False),
        (d(2025, 3, 1), d(2028, 3, 1), True),
        (d(2025, 3, 2), d(2028, 3, 1), False),
    ],
)
def test_three_years_for_a_request_on_29_february_or_1_march(start, on, enough):
    experience = relevant_experience([period(start)], on=on)
    assert experience.at_least_years(3, on=on) is enough


def test_an_ongoing_period_reaches_three_years_the_day_after_its_third_anniversary_eve():
    # Working since 2023-11-29: three years are complete on the evening of 2026-11-28.
    ongoing = [period(d(2023, 11, 29))]
    assert relevant_experience(ongoing, on=d(2026, 11, 29)).at_least_years(3, on=d(2026, 11, 29))
    assert not relevant_experience(ongoing, on=d(2026, 11, 28)).at_least_years(
        3, on=d(2026, 11, 28)
    )


def test_three_years_from_overlapping_periods_count_once():
    on = d(2026, 11, 29)
    overlapping = [period(d(2023, 11, 29), d(2025, 6, 30)), period(d(2025, 1, 1), d(2026, 11, 28))]
    assert relevant_experience(overlapping, on=on).at_least_years(3, on=on)
    short = [period(d(2023, 11, 30), d(2025, 6, 30)), period(d(2025, 1, 1), d(2026, 11, 28))]
    assert relevant_experience(short, on=on).days == 1095
    assert not relevant_experience(short, on=on).at_least_years(3, on=on)


def test_three_years_from_adjacent_periods():
    on = d(2026, 11, 29)
    adjacent = [period(d(2023, 11, 29), d(2024, 12, 31)), period(d(2025, 1, 1), d(2026, 11, 28))]
    assert relevant_experience(adjacent, on=on).days == 1096
    assert relevant_experience(adjacent, on=on).at_least_years(3, on=on)
    gap = [period(d(2023, 11, 29), d(2024, 12, 30)), period(d(2025, 1, 1), d(2026, 11, 28))]
    assert not relevant_experience(gap, on=on).at_least_years(3, on=on)


# The figure: calendar years and months -------------------------------------------------------


def test_experience_display_of_overlapping_periods_covering_three_years_and_a_half():
    periods = [period(d(2020, 1, 1), d(2022, 12, 31)), period(d(2022, 6, 1), d(2023, 6, 30))]
    experience = relevant_experience(periods, on=ON)
    assert experience.days == 1277
    assert experience.display() == "3 ans et 6 mois (1277 jours)"


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        (d(2020, 1, 1), d(2020, 1, 30), "0 an et 0 mois (30 jours)"),
        (d(2020, 1, 1), d(2020, 1, 31), "0 an et 1 mois (31 jours)"),
        (d(2020, 2, 1), d(2020, 2, 29), "0 an et 1 mois (29 jours)"),
        (d(2021, 2, 1), d(2021, 2, 28), "0 an et 1 mois (28 jours)"),
        # 31 January + 1 month is 29 February (cqp.utils.add_months): a month by 28 February.
        (d(2020, 1, 31), d(2020, 2, 27), "0 an et 0 mois (28 jours)"),
        (d(2020, 1, 31), d(2020, 2, 28), "0 an et 1 mois (29 jours)"),
        (d(2020, 1, 31), d(2020, 2, 29), "0 an et 1 mois (30 jours)"),
        (d(2020, 3, 1), d(2021, 2, 28), "1 an et 0 mois (365 jours)"),
        (d(2019, 3, 1), d(2020, 2, 28), "0 an et 11 mois (365 jours)"),
        (d(2024, 2, 29), d(2027, 2, 27), "3 ans et 0 mois (1095 jours)"),
    ],
)
def test_experience_display_of_one_period_is_its_calendar_difference(start, end, shown):
    assert (
        relevant_experience([period(start, end)], on=ON + datetime.timedelta(days=900)).display()
        == shown
    )


def test_experience_display_of_separate_periods_lays_their_days_end_to_end():
    # 31 days in January 2020, then all of March 2021 (31 days): 62 days from 1 January 2020,
    # that is January and February 2020 (60 days) and 2 days.
    periods = [period(d(2020, 1, 1), d(2020, 1, 31)), period(d(2021, 3, 1), d(2021, 3, 31))]
    experience = relevant_experience(periods, on=ON)
    assert experience.days == 62
    assert experience.display() == "0 an et 2 mois (62 jours)"


def test_experience_display_without_a_start_walks_from_a_common_year():
    assert Experience(days=730).display() == "2 ans et 0 mois (730 jours)"
    assert Experience(days=396).display() == "1 an et 1 mois (396 jours)"
    assert Experience(days=0).display() == "0 an et 0 mois (0 jours)"
    assert Experience(days=1).display() == "0 an et 0 mois (1 jours)"
