import datetime
from types import SimpleNamespace

from candidates.experience import DAYS_PER_YEAR, Experience, relevant_experience

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


def test_relevant_experience_counts_an_ongoing_period_until_on():
    assert relevant_experience([period(d(2026, 3, 1))], on=ON).days == 15


def test_relevant_experience_ignores_the_part_after_on():
    assert relevant_experience([period(d(2026, 3, 1), d(2026, 12, 31))], on=ON).days == 15


def test_relevant_experience_ignores_a_period_starting_after_on():
    periods = [period(d(2026, 3, 16), d(2026, 6, 30)), period(d(2026, 4, 1))]
    assert relevant_experience(periods, on=ON).days == 0


def test_relevant_experience_of_nothing_is_zero():
    assert relevant_experience([], on=ON) == Experience(days=0)


def test_experience_display_gives_years_months_and_days():
    assert Experience(days=730).display() == "2 ans et 0 mois (730 jours)"
    assert Experience(days=396).display() == "1 an et 1 mois (396 jours)"
    assert Experience(days=1460 + 200).display() == "4 ans et 6 mois (1660 jours)"


def test_experience_at_least_years_at_the_exact_boundary():
    assert Experience(days=3 * DAYS_PER_YEAR).at_least_years(3)
    assert not Experience(days=3 * DAYS_PER_YEAR - 1).at_least_years(3)


def test_relevant_experience_reaches_three_years_on_the_exact_day():
    start = ON - datetime.timedelta(days=3 * 365 - 1)
    assert relevant_experience([period(start)], on=ON).at_least_years(3)
    assert not relevant_experience(
        [period(start + datetime.timedelta(days=1))], on=ON
    ).at_least_years(3)
