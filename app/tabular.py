"""Tables for spreadsheets: every CSV and XLSX export is written here.

Exported text comes from clients and staff. A spreadsheet takes a cell that begins with = + - @
(or a tab or a line break) for a formula, so ``=HYPERLINK(...)`` typed as a company name would
run on the accountant's machine. Such text is neutralised as OWASP advises: in CSV a single
quote goes in front, in XLSX the cell is written as a string (with Excel's quote prefix, so it
stays text when edited). Numbers and dates are values, not text, and are written as they are: a
negative number stays a number. A figure formatted by the app itself (roubles with a decimal
comma) is marked ``Figure`` and kept as it is too.
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterable

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Figure(str):
    """Text the app formatted from a number ("-1 234,50"): a value, not typed text."""


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and not isinstance(value, Figure) and value.startswith(FORMULA_STARTS)


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell: None blank, typed text that a spreadsheet would run prefixed with '."""
    if value is None:
        return ""
    if is_formula_like(value):
        return "'" + value
    if isinstance(value, (int, float, Decimal, date, datetime)):
        return value
    return str(value)


def csv_text(header: list[str], rows: Iterable[Iterable[Any]]) -> str:
    """The table as Excel in the Russian locale reads it: UTF-8 with a BOM (else the Cyrillic
    comes out garbled), semicolons between cells, CRLF between rows."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in header])
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return out.getvalue()


def csv_download(header: list[str], rows: Iterable[Iterable[Any]], filename: str) -> Response:
    return download(csv_text(header, rows), "text/csv; charset=utf-8", filename)


def download(content: str | bytes, content_type: str, filename: str) -> Response:
    return Response(content, content_type=content_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def append_row(sheet, values: list[Any]) -> None:
    """Append a row to an openpyxl sheet; text is never a formula, numbers and dates keep their type."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f" or is_formula_like(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True
