"""The common layout of the generated documents (python-docx) and their conversion to PDF.

A4, Times New Roman 12 as the regulation's forms are typed; tables with a grid and a header
row repeated on every page; signature blocks of "________ /name/" lines.
"""
from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

BLANK = "____________"
MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
          "октября", "ноября", "декабря")
CONVERTERS = ("soffice", "libreoffice")
CONVERT_TIMEOUT_S = 120


class ConversionFailed(RuntimeError):
    """LibreOffice is installed but did not produce a PDF."""


def new_document(*, landscape: bool = False):
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    # Word picks the font of Cyrillic text from the east-Asian/complex slots when they are unset.
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:eastAsia", "w:cs"):
        fonts.set(qn(slot), "Times New Roman")
    return document


def heading(document, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(14)


def paragraph(document, text: str, *, bold: bool = False, justify: bool = True):
    result = document.add_paragraph()
    if justify:
        result.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    result.add_run(text).bold = bold
    return result


def grid(document, headers: list[str], rows: list[list[str]], widths_cm: list[float] | None = None):
    """A bordered table: the header row bold and repeated on each page, then ``rows``."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    header = table.rows[0]
    _repeat_as_header(header)
    for cell, text in zip(header.cells, headers):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values):
            cell.text = text
    if widths_cm:
        for row in table.rows:
            for cell, width in zip(row.cells, widths_cm):
                cell.width = Cm(width)
    return table


def signatures(document, parties: list[tuple[str, str | None]], organisations: list[str | None] = ()) -> None:
    """Signature blocks, two a row: "От ЦПЭ:", the organisation when given, a blank line,
    "________ /name/"."""
    document.add_paragraph()
    rows = (len(parties) + 1) // 2
    table = document.add_table(rows=rows, cols=2)
    for index, (party, signatory) in enumerate(parties):
        cell = table.rows[index // 2].cells[index % 2]
        cell.text = f"{party}:"
        if index < len(organisations) and organisations[index]:
            cell.add_paragraph(organisations[index])
        cell.add_paragraph()
        cell.add_paragraph(f"________________ /{signatory or BLANK}/")


def as_bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def long_date(value: date | None) -> str:
    """«20» марта 2026 г., as the regulation's forms date an act; blanks when there is no date."""
    if value is None:
        return "«___» ______________ 20__ г."
    return f"«{value.day:02d}» {MONTHS[value.month - 1]} {value.year} г."


def parse_date(text) -> date | None:
    try:
        return date.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def converter() -> str | None:
    """The LibreOffice executable on PATH, if any: PDF is offered only when there is one."""
    return next((path for name in CONVERTERS if (path := shutil.which(name))), None)


def to_pdf(docx: bytes) -> bytes:
    """The PDF of a DOCX by LibreOffice in headless mode, in a scratch folder of its own
    (a private profile too, so a running LibreOffice of the same user does not take the job)."""
    program = converter()
    if program is None:
        raise ConversionFailed("LibreOffice не установлен на сервере")
    with tempfile.TemporaryDirectory(prefix="vitrina-pdf-") as scratch:
        folder = Path(scratch)
        (folder / "document.docx").write_bytes(docx)
        try:
            subprocess.run([program, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless",
                            "--convert-to", "pdf", "--outdir", str(folder), str(folder / "document.docx")],
                           check=True, capture_output=True, timeout=CONVERT_TIMEOUT_S)
        except (OSError, subprocess.SubprocessError) as exc:
            raise ConversionFailed(f"LibreOffice не смог сформировать PDF: {exc}") from exc
        pdf = folder / "document.pdf"
        if not pdf.is_file():
            raise ConversionFailed("LibreOffice не сформировал PDF")
        return pdf.read_bytes()


def _repeat_as_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)
