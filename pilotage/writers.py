"""Writing rows as files that French spreadsheets open without a question, in constant memory.

CSV: UTF-8 with a byte order mark, `;` between cells, dates as dd/mm/yyyy, streamed in
chunks while the rows are read. XLSX (XlsxWriter's `constant_memory` mode, which flushes
each row to disk as it is written): typed cells (dates with a dd/mm/yyyy number format,
numbers as numbers), the header row frozen, each column's width set; written to a temporary
file, then streamed from it.

Both neutralise a text cell a spreadsheet would read as a formula (it starts with `=`, `+`,
`-`, `@`, a tab or a carriage return: a quote is put in front); numbers and dates are not
text and are written as they are.
"""

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

TEXT, DATE, NUMBER = "text", "date", "number"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_CHUNK_ROWS = 500  # rows per chunk sent to the client
DATE_FORMAT = "dd/mm/yyyy"


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT  # TEXT, DATE or NUMBER: how the cell is typed in XLSX
    width: int = 18  # in characters, for XLSX


def neutralise(text: str) -> str:
    """A text a spreadsheet would take for a formula, made plain text (CSV injection)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _as_date(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def csv_cell(column: Column, value) -> str:
    if value is None or value == "":
        return ""
    if column.kind == DATE:
        return _as_date(value).strftime("%d/%m/%Y")
    if column.kind == NUMBER:
        return str(value).replace(".", ",")
    return neutralise(str(value))


class _Line:
    """A file-like object whose `write` hands back what it is given (csv.writer into a string)."""

    def write(self, value):
        return value


def csv_chunks(
    columns: list[Column], rows: Iterable, on_end: Callable[[int], None]
) -> Iterator[str]:
    """The CSV file in chunks: the BOM and header row first, then the rows as they are read;
    `on_end(row_count)` once the last row is written."""
    writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow([str(c.header) for c in columns])
    count, chunk = 0, []
    for row in rows:
        chunk.append(writer.writerow([csv_cell(c, v) for c, v in zip(columns, row, strict=True)]))
        count += 1
        if len(chunk) == CSV_CHUNK_ROWS:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)
    on_end(count)


def write_xlsx(path: str, columns: list[Column], rows: Iterable, *, sheet: str) -> int:
    """Write the rows to an XLSX file at `path`, row by row; the number of rows written."""
    workbook = xlsxwriter.Workbook(
        path, {"constant_memory": True, "tmpdir": tempfile.gettempdir(), "in_memory": False}
    )
    worksheet = workbook.add_worksheet(str(sheet)[:31])
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1})
    date = workbook.add_format({"num_format": DATE_FORMAT})
    for index, column in enumerate(columns):
        worksheet.set_column(index, index, column.width, date if column.kind == DATE else None)
    worksheet.freeze_panes(1, 0)
    for index, column in enumerate(columns):
        worksheet.write_string(0, index, str(column.header), bold)
    count = 0
    for count, row in enumerate(rows, start=1):
        for index, (column, value) in enumerate(zip(columns, row, strict=True)):
            if value is None or value == "":
                continue
            if column.kind == DATE:
                worksheet.write_datetime(count, index, _as_date(value), date)
            elif column.kind == NUMBER and isinstance(value, int | float | Decimal):
                worksheet.write_number(count, index, value)
            else:
                worksheet.write_string(count, index, neutralise(str(value)))
    if count:
        worksheet.autofilter(0, 0, count, len(columns) - 1)
    workbook.close()
    return count


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def file_response(
    fmt: str,
    columns: list[Column],
    rows: Iterable,
    *,
    filename: str,
    sheet: str,
    on_end: Callable[[int], None],
):
    """The download of `rows` as `filename` (without its extension) in `fmt`: CSV streamed as
    the rows are read, XLSX written to a temporary file then streamed from it; `on_end(count)`
    once every row is written."""
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_chunks(columns, rows, on_end), content_type=CONTENT_TYPES["csv"]
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    # The file is removed when the response closes it (delete on close).
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", prefix="export-")  # noqa: SIM115
    on_end(write_xlsx(handle.name, columns, rows, sheet=sheet))
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type=CONTENT_TYPES["xlsx"],
    )
