import calendar
import copy
import datetime
import functools
import json
import weakref

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import DEFAULT_DB_ALIAS, connections, models, router
from django.db.models import Subquery
from django.db.models.expressions import RawSQL
from django.db.models.sql.where import WhereNode
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

PAGE_SIZE = 20
# A list counts its rows up to this many, then says « plus de 10 000 » (and offers the pages
# up to there): counting 100,000 rows for a page of 20 is what made the long lists slow.
COUNT_BOUND = 10_000
# A dashboard panel counts up to this many, then says « plus de 1 000 » (count_up_to): the
# panels of the secretariat count among every candidacy.
PANEL_COUNT_BOUND = 1_000
# From this many rows skipped, a page reads its keys before its rows (BoundedPaginator.page).
DEFER_FROM = 200


class BoundedPaginator(Paginator):
    """A Paginator whose count stops at `bound`: `capped` says the list holds more (the
    count then is `bound`, and so are the pages offered). A `provisional` bound is not the
    list's last word: the pages beyond it are offered as the reader reaches them."""

    def __init__(
        self,
        object_list,
        per_page,
        *,
        bound: int = COUNT_BOUND,
        by_key: bool = False,
        annotate_rows=None,
        keys=None,
        counter=None,
        rows=None,
        provisional: bool = False,
        **kwargs,
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.provisional = provisional
        self.counter = counter
        self.rows = rows
        self.bound = bound
        self.by_key = by_key or any(hook is not None for hook in (annotate_rows, keys, rows))
        self.annotate_rows = annotate_rows
        self.keys = keys

    @cached_property
    def _bounded_count(self) -> int:
        if self.counter is not None:  # the list knows a cheaper way to count its rows
            return self.counter(self.bound + 1)
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
        """Deep in a queryset (DEFER_FROM rows skipped or more), or on every page of a list
        paginated `by_key`, the page's keys first (sorted without the joins of the rows
        shown), then its rows by key. In one query, PostgreSQL joins every row skipped, or
        every row of a large visible set (a professionnel's 4,700 candidacies at 100,000),
        to the candidate, the user and the organisation before it sorts and keeps 20; the
        keys alone sort from one table. One query more than a plain page."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = self.object_list
        deep = bottom >= DEFER_FROM or self.by_key
        if not deep or not hasattr(rows, "values_list"):
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if self.keys is not None:  # the list knows a cheaper way to its page's keys
            # The list's length when exact: past its middle, a list may read from its end.
            keys = self.keys(bottom, top, None if self.capped else self.count)
        else:
            keys = list(rows.values_list("pk", flat=True)[bottom:top])
        if self.rows is not None:  # the list knows a cheaper way to read its rows by key
            found = {row.pk: row for row in self.rows(keys)} if keys else {}
            return self._get_page([found[key] for key in keys if key in found], number, self)
        if self.annotate_rows is not None:  # what only the rows shown need, for them only
            rows = self.annotate_rows(rows)
        found = {row.pk: row for row in rows_by_key(rows, keys)}
        return self._get_page([found[key] for key in keys if key in found], number, self)


# Stand-ins for the keys while a CompiledQuery is compiled: values no key ever takes.
_KEY_STAND_INS = tuple(-7_531_902 - i for i in range(8))


def key_array(keys):
    """`keys` for an `__in` filter: on PostgreSQL one array parameter (the same SQL whatever
    their number, planned once as a prepared statement, and no parameter per key to build),
    elsewhere the list. The array is passed as its text (`{1,2,3}`): psycopg dumps a list
    element by element, choosing each one's dumper (0.5 ms for the 416 candidates of
    « martin » at 100,000, in each of the 8 places a gestionnaire's search used them)."""
    if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (_array_text(keys),))
    return keys


def _array_text(keys) -> str:
    return "{" + ",".join(map(str, keys)) + "}"


class CompiledQuery:
    """A query of a few keys (a user's id, a candidacy's), built by the ORM and compiled to
    SQL once per process and database, then run with the keys in their places: its rows come
    back as the ORM makes them (select_related, annotations, prefetch_related), without the
    ORM compiling the query again. For the queries every page runs, whose building costs
    more than running them (joins, subqueries: 1 to 3 ms of Python for a fraction of a
    millisecond in PostgreSQL).

    `build(*keys)` returns the queryset; calling the CompiledQuery with the keys (numbers, a
    text compared with a text column, or lists of numbers at the places `lists` names,
    filtered through `key_array`) returns the list of its rows. The keys must reach the SQL
    as parameters (a filter's value), not in the SQL itself (a slice's bounds are part of
    the compiled query). Whatever else the query holds is compiled in for the life of the
    process: a value read from the database (a content type's id) is a key too. Where a
    list of keys is one parameter per key (SQLite), the query is built at each call."""

    def __init__(self, model, build, *, keys: int = 1, lists: tuple[int, ...] = ()):
        self.model, self.build, self.keys, self.lists = model, build, keys, lists
        self._compiled = {}
        # Per connection (one per thread): the converters of the columns read.
        self._converters = weakref.WeakKeyDictionary()

    def _compile(self, db):
        stand_ins = _KEY_STAND_INS[: self.keys]
        queryset = self.build(
            *([s] if n in self.lists else s for n, s in enumerate(stand_ins))
        ).using(db)
        compiler = queryset.query.get_compiler(using=db)
        sql, params = compiler.as_sql()
        # Where each key goes: as the number it is, the text a text column compares, or a
        # list's array text.
        places = {}
        for i, value in enumerate(params):
            for number, stand_in in enumerate(stand_ins):
                if number in self.lists:
                    if value == _array_text([stand_in]):
                        places[i] = (number, _array_text)
                elif value == stand_in or value == str(stand_in):
                    places[i] = (number, type(value))
        if {number for number, _ in places.values()} != set(range(self.keys)):
            if self.lists:
                return None  # a list is a parameter per key here: built at each call
            raise ValueError("The query does not use each of its keys as a parameter.")
        return queryset, compiler, sql, tuple(params), places

    def __call__(self, *keys) -> list:
        if len(keys) != self.keys:
            raise TypeError(f"Wrong number of keys: {len(keys)} given, {self.keys} expected.")
        db = router.db_for_read(self.model)
        if db not in self._compiled:
            self._compiled[db] = self._compile(db)
        if self._compiled[db] is None:
            return list(self.build(*keys).using(db))
        queryset, compiler, sql, params, places = self._compiled[db]
        params = tuple(
            places[i][1](keys[places[i][0]]) if i in places else value
            for i, value in enumerate(params)
        )
        # The compiled compiler keeps what the ORM needs to make the rows (the columns, the
        # related models); a copy of it per call runs the SQL with these keys, on this
        # thread's connection, with the converters of its columns found once for that
        # connection (asking each column for them: 0.3 ms for a candidacy's 89 columns).
        connection = connections[db]
        run = copy.copy(compiler)
        run.connection = connection
        run.as_sql = lambda *args, **kwargs: (sql, params)
        known = self._converters.get(connection)
        if known is None:
            known = self._converters[connection] = {}

        def get_converters(expressions):
            key = tuple(map(id, expressions))  # the compiled compiler's own columns
            if key not in known:
                known[key] = type(compiler).get_converters(run, expressions)
            return known[key]

        run.get_converters = get_converters
        rows = queryset._chain()
        rows.query.get_compiler = lambda *args, **kwargs: run
        return list(rows)


class JSONRows(Subquery):
    """The rows of a `values()` queryset as one JSON text: a list of objects named by the
    queryset's columns. PostgreSQL and SQLite (the demo) both aggregate JSON."""

    def __init__(self, queryset):
        self.names = list(queryset.query.values_select) + list(queryset.query.annotation_select)
        super().__init__(queryset, output_field=models.TextField())

    def as_sql(self, compiler, connection, template=None, **extra_context):
        subquery, params = super().as_sql(compiler, connection)
        quote = connection.ops.quote_name
        # Column names come from this module's querysets, never from a request.
        pairs = ", ".join(f"'{name}', _rows.{quote(name)}" for name in self.names)
        if connection.vendor == "postgresql":
            sql = (
                f"(SELECT COALESCE(json_agg(json_build_object({pairs})), '[]')::text "  # noqa: S608
                f"FROM {subquery} _rows)"
            )
        else:
            sql = f"(SELECT json_group_array(json_object({pairs})) FROM {subquery} _rows)"  # noqa: S608
        return sql, params


class JSONObjects:
    """Rows of `model` read on another query's row, then made model objects again: for a
    page whose few related lists would each cost a query (its round trip, and 0.2 to 0.4 ms
    of Python to run it), read instead as JSON text in one query (JSONRows).

    `rows(queryset)` is the annotation: every column of the model and, for each relation of
    `related` (name -> fields of the related model), those fields of the related object.
    `objects(text)` returns the model objects, their related objects cached as
    select_related caches them (the related object has its key and these fields only: any
    other would be read by a query of its own). The dates and times come back as the ORM
    gives them, in UTC."""

    def __init__(self, model, related: dict[str, tuple[str, ...]] | None = None):
        self.model = model
        self.related = related or {}
        self.fields = list(model._meta.concrete_fields)
        self.names = [field.attname for field in self.fields]
        self._converted = {}  # by database vendor
        # The related objects' fields in their model's order, as Model.from_db takes them.
        self.links = []
        for name, fields in self.related.items():
            field = model._meta.get_field(name)
            order = [f.attname for f in field.related_model._meta.concrete_fields]
            self.links.append((field, sorted(fields, key=order.index)))

    def rows(self, queryset) -> JSONRows:
        related = {
            f"{relation}__{name}": models.F(f"{relation}__{name}")
            for relation, names in self.related.items()
            for name in names
        }
        return JSONRows(queryset.values(*self.names).annotate(**related))

    def objects(self, text: str, using: str = DEFAULT_DB_ALIAS) -> list:
        rows = json.loads(text or "[]")
        if not rows:
            return []
        convert = self._converters(connections[using].vendor)
        made = []
        for row in rows:
            values = [row[name] for name in self.names]
            for index, to_python in convert:
                if values[index] is not None:
                    values[index] = to_python(values[index])
            made.append(self.model.from_db(using, self.names, values))
        for field, names in self.links:
            target = field.related_model
            target_names = [target._meta.pk.attname, *names]
            keys = [f"{field.name}__{name}" for name in names]
            # One object a person however many rows name them (the same few act in a history).
            made_for = {None: None}
            for obj, row in zip(made, rows, strict=True):
                key = row[field.attname]
                if key not in made_for:
                    values = [key, *(row[k] for k in keys)]
                    made_for[key] = target.from_db(using, target_names, values)
                field.set_cached_value(obj, made_for[key])
        return made

    def _converters(self, vendor: str) -> list:
        """(index, function) for the columns JSON does not give as the ORM does: dates and
        times as ISO text (naive on SQLite, which stores them in UTC), booleans as 0 or 1 and
        JSON columns as their text on SQLite."""
        if vendor not in self._converted:
            self._converted[vendor] = self._find_converters(vendor)
        return self._converted[vendor]

    def _find_converters(self, vendor: str) -> list:
        convert = []
        for index, field in enumerate(self.fields):
            if isinstance(field, models.DateTimeField):
                convert.append((index, _datetime_from_json))
            elif isinstance(field, models.DateField):
                convert.append((index, datetime.date.fromisoformat))
            elif vendor == "sqlite" and isinstance(field, models.BooleanField):
                convert.append((index, bool))
            elif vendor == "sqlite" and isinstance(field, models.JSONField):
                convert.append((index, json.loads))
        return convert


def _datetime_from_json(text: str) -> datetime.datetime:
    moment = datetime.datetime.fromisoformat(text)
    if moment.tzinfo is None and settings.USE_TZ:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


class AmongRows(models.Expression):
    """`column` is one of the values of `queryset` (one column): `IN (subquery)`, written on
    PostgreSQL `= ANY(ARRAY(subquery))`, which an index on the column serves within an OR
    of such conditions (a bitmap per condition) where `IN` became a hashed subplan tested
    on every row of the table. For a filter: `rows.filter(AmongRows("object_id", keys))`."""

    output_field = models.BooleanField()
    conditional = True

    def __init__(self, column: str, queryset):
        super().__init__()
        if not queryset.query.is_sliced:  # a slice keeps the order it takes the first of
            queryset = queryset.order_by()
        self.column, self.subquery = models.F(column), Subquery(queryset)

    def get_source_expressions(self):
        return [self.column, self.subquery]

    def set_source_expressions(self, expressions):
        self.column, self.subquery = expressions

    def as_sql(self, compiler, connection):
        column, column_params = compiler.compile(self.column)
        subquery, subquery_params = compiler.compile(self.subquery)
        if connection.vendor == "postgresql":
            return f"{column} = ANY(ARRAY{subquery})", (*column_params, *subquery_params)
        return f"{column} IN {subquery}", (*column_params, *subquery_params)


class CountRows(Subquery):
    """How many rows a (sliced) queryset has: COUNT(*) over the subquery, so that a LIMIT
    bounds the count."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"

    def __init__(self, queryset):
        super().__init__(queryset, output_field=models.IntegerField())


def rows_by_key(rows, keys):
    """The rows of `rows` whose key is in `keys`, with its joins, annotations and prefetches
    but without its filters: the keys were read through them, and a visibility rule (a UNION
    of the sets a user may see) would otherwise be computed again for 20 rows. A queryset
    that aggregates keeps its filters (a filter can narrow what an aggregate counts)."""
    if rows.query.group_by is not None or any(
        getattr(annotation, "contains_aggregate", False)
        for annotation in rows.query.annotations.values()
    ):
        return rows.filter(pk__in=keys).order_by()
    unfiltered = rows.all()
    unfiltered.query.where = WhereNode()
    return unfiltered.filter(pk__in=keys).order_by()


def count_up_to(bound: int | None, **querysets) -> dict[str, int]:
    """How many rows each queryset has, all in one query (`SELECT (…), (…)`): COUNT(*)
    over its keys, the first `bound` + 1 only when a bound is given (a count above `bound`
    then reads « plus de `bound` »: an index walk of bound + 1 entries at most, whatever
    the number of candidacies)."""
    parts, params, db = [], [], None
    for queryset in querysets.values():
        keys = queryset.order_by().values("pk")
        if bound is not None:
            keys = keys[: bound + 1]
        db = queryset.db
        try:
            sql, keys_params = keys.query.get_compiler(using=db).as_sql()
        except EmptyResultSet:  # .none(), an empty `__in`
            parts.append("0")
            continue
        parts.append(CountRows.template % {"subquery": sql})  # the ORM's SQL
        params.extend(keys_params)
    with connections[db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return dict(zip(querysets, row, strict=True))


def paginate(
    request,
    queryset,
    per_page: int = PAGE_SIZE,
    *,
    bound: int | None = None,
    by_key=False,
    annotate_rows=None,
    keys=None,
    counter=None,
    rows=None,
    look_ahead: int | None = None,
):
    """The requested page of a list; an out-of-range or malformed page number gives the
    nearest page. The count stops at `bound`; `by_key` reads each page's keys before its
    rows, and `annotate_rows(queryset)` adds to the rows read what only they need (an
    aggregate computed for the 20 rows shown, not for the whole list); `keys(bottom, top,
    total)` (`total` the list's length, None when capped) reads a page's keys where the
    list knows a cheaper way than its queryset, `counter(limit)` counts its rows so, and
    `rows(keys)` reads the rows of those keys (BoundedPaginator).

    `look_ahead`: count no further than that many pages beyond the one asked for (within
    `bound`), for a list whose every row counted costs a test: the count then says only
    that more rows follow (« plus de 40 » on the first page), and grows as the reader goes."""
    number = request.GET.get("page")
    bound = bound or COUNT_BOUND
    if look_ahead is not None:
        try:
            asked = max(int(number), 1)
        except (TypeError, ValueError):
            asked = 1
        ahead = min(bound, (asked + look_ahead) * per_page)
        provisional = ahead < bound
        bound = ahead
    else:
        provisional = False
    paginator = BoundedPaginator(
        queryset,
        per_page,
        bound=bound,
        provisional=provisional,
        by_key=by_key,
        annotate_rows=annotate_rows,
        keys=keys,
        counter=counter,
        rows=rows,
    )
    return paginator.get_page(number)


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


def choice_label(choices, value) -> str:
    """The label of `value` among `choices` (a TextChoices), translated; the value itself
    when it is not one of them: what Django's get_<field>_display returns, without the dict
    of every choice it rebuilds at each call, hashing each lazy label, so translating it
    (112 µs for the 15 steps of a candidacy, 9 µs so: once a row of every list)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


# A key no page has: reversed in its place, then found in the URL and replaced.
KEY_MARK = "987654321987"


def url_setting() -> tuple[str, str]:
    """What `reverse` writes a URL under: the URL configuration and the script prefix."""
    return get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()


def reverse_key(name: str, key) -> str:
    """`reverse(name, args=[key])` for a URL with one integer argument (a candidacy's, a
    document's): reversed once per URL name, URL configuration and script prefix, the key
    then written in its place (`KEY_MARK`, a text cached with the mark, the key written
    later). The lists of a candidacy's page link to its pages, its documents and its
    letters: `reverse` costs 8 µs a link, matching the arguments against every pattern of
    the name each time."""
    before, after = _around_key(name, *url_setting())
    return f"{before}{key if key is KEY_MARK else int(key)}{after}"


@functools.lru_cache(maxsize=256)
def _around_key(name: str, urlconf: str, prefix: str) -> tuple[str, str]:
    """What `name`'s URL (under `urlconf` and `prefix`, which `reverse` reads) has before
    and after its integer argument."""
    before, mark, after = reverse(name, args=[KEY_MARK], urlconf=urlconf).partition(KEY_MARK)
    if not mark or KEY_MARK in after:  # pragma: no cover (an argument not written once)
        raise ValueError(f"{name}: not a URL with one integer argument written once")
    return before, after


def table_rows(columns: dict[str, str], rows) -> SafeString:
    """The `<tr>` of a list written in Python rather than by a template loop (about 0.1 ms
    a row there): `columns`, each column's key and label (marked with `gettext_noop` where
    it is written, for makemessages), translated and escaped once per list; `rows`, one
    dict a row of each column's cell, its HTML already escaped. Each cell carries its
    column's label as `data-label` (the narrow screens' stacked table)."""
    labels = [(key, escape(gettext(text))) for key, text in columns.items()]
    return mark_safe(  # noqa: S308 (the labels escaped here, the cells by the caller)
        "\n".join(
            "<tr>"
            + "".join(f'<td data-label="{label}">{row[key]}</td>' for key, label in labels)
            + "</tr>"
            for row in rows
        )
    )
