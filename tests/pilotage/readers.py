"""Reading an export back with real parsers: `csv` for CSV, openpyxl for XLSX."""

import csv
import io

import openpyxl

BOM = "\ufeff"


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(response) -> list[list[str]]:
    """The rows of a CSV export (header first), after checking its byte order mark."""
    text = body(response).decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def xlsx_sheet(response):
    """The first sheet of an XLSX export."""
    return openpyxl.load_workbook(io.BytesIO(body(response))).worksheets[0]


def xlsx_rows(response) -> list[tuple]:
    return [tuple(row) for row in xlsx_sheet(response).iter_rows(values_only=True)]
