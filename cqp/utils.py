import calendar
import datetime

from django.core.paginator import Paginator

PAGE_SIZE = 20


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """The requested page of a list; an out-of-range or malformed page number gives the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


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
