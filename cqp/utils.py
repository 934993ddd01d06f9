import calendar
import datetime

from django.core.paginator import Paginator
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext

PAGE_SIZE = 20
# A list counts its rows up to this many, then says « plus de 10 000 » (and offers the pages
# up to there): counting 100,000 rows for a page of 20 is what made the long lists slow.
COUNT_BOUND = 10_000
# From this many rows skipped, a page reads its keys before its rows (BoundedPaginator.page).
DEFER_FROM = 200


class BoundedPaginator(Paginator):
    """A Paginator whose count stops at `bound`: `capped` says the list holds more (the
    count then is `bound`, and so are the pages offered)."""

    def __init__(self, object_list, per_page, *, bound: int = COUNT_BOUND, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.bound = bound

    @cached_property
    def _bounded_count(self) -> int:
        rows = self.object_list
        if hasattr(rows, "order_by"):  # a queryset: COUNT(*) over at most bound + 1 rows
            # Only the keys: the annotations of the rows shown are not computed for the count.
            return rows.order_by().values("pk")[: self.bound + 1].count()
        return min(len(rows), self.bound + 1)

    @cached_property
    def count(self) -> int:
        return min(self._bounded_count, self.bound)

    @cached_property
    def capped(self) -> bool:
        return self._bounded_count > self.bound

    @property
    def bound_label(self) -> str:
        return number_format(self.bound, force_grouping=True)

    def page(self, number):
        """Deep in a queryset (DEFER_FROM rows skipped or more), the page's keys first (the
        index walked, no join), then its rows by key: PostgreSQL would otherwise join every
        skipped row. One query more there; the first pages keep a single one."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = self.object_list
        if bottom < DEFER_FROM or not hasattr(rows, "values_list"):
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(rows.values_list("pk", flat=True)[bottom:top])
        found = {row.pk: row for row in rows.filter(pk__in=keys)}
        return self._get_page([found[key] for key in keys if key in found], number, self)


def paginate(request, queryset, per_page: int = PAGE_SIZE, *, bound: int | None = None):
    """The requested page of a list; an out-of-range or malformed page number gives the
    nearest page. The count stops at `bound` (BoundedPaginator)."""
    paginator = BoundedPaginator(queryset, per_page, bound=bound or COUNT_BOUND)
    return paginator.get_page(request.GET.get("page"))


def apply_service_error(form, error) -> None:
    """Attach a service's ValidationError to the form: field errors next to their field."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by whole months, on the last day of the month when that day does not exist."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last_day))


def join_phrases(phrases) -> str:
    """Noun phrases as one French enumeration: « a », « a et b », « a, b et c »."""
    phrases = [str(p) for p in phrases]
    if len(phrases) < 2:
        return "".join(phrases)
    return gettext("%(some)s et %(last)s") % {"some": ", ".join(phrases[:-1]), "last": phrases[-1]}
