"""Writing a sheet as .xlsx (with its 说明 sheet) or as .csv that Excel opens correctly."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .cells import Boolean, Choice, Date
from .reading import NOTES_SHEET
from .results import column_letter
from .spec import SheetSpec

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def _row_values(spec: SheetSpec, item: dict[str, Any]) -> list[Any]:
    return [c.parser.render(item.get(c.key)) for c in spec.columns]


def write_csv(spec: SheetSpec, items: Iterable[dict[str, Any]]) -> bytes:
    """UTF-8 with a BOM, so Excel opens the Chinese correctly; the header is the spec's."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([c.label for c in spec.columns])
    for item in items:
        writer.writerow(["" if v is None else v for v in _row_values(spec, item)])
    return codecs.BOM_UTF8 + buf.getvalue().encode("utf-8")


def write_xlsx(spec: SheetSpec, items: Iterable[dict[str, Any]], *, title: Any = "") -> bytes:
    """An .xlsx with the data sheet first (bold headers, required ones marked in colour, code
    columns formatted as text, drop-down lists for choices) and a 说明 sheet explaining columns."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(str(spec.name)[:31])
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    optional_fill = PatternFill("solid", fgColor="EDEDED")
    for j, col in enumerate(spec.columns):
        letter = column_letter(j)
        ws.column_dimensions[letter].width = max(col.width, len(col.label) * 2 + 2)
        if col.parser.text_format:
            ws.column_dimensions[letter].number_format = "@"
        if isinstance(col.parser, Choice | Boolean):
            options = list(col.parser.labels.values()) if isinstance(col.parser, Choice) else [str(_("是")), str(_("否"))]
            formula = '"' + ",".join(options) + '"'
            if len(formula) <= 255:  # Excel's limit for an inline list
                dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=False)
                dv.add(f"{letter}2:{letter}1048576")
                ws.data_validations.append(dv)
    ws.freeze_panes = "A2"
    header = []
    for col in spec.columns:
        cell = WriteOnlyCell(ws, value=col.label)
        cell.font = bold
        cell.fill = required_fill if col.required else optional_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.append(cell)
    ws.append(header)
    text_cols = [j for j, c in enumerate(spec.columns) if c.parser.text_format]
    date_cols = [j for j, c in enumerate(spec.columns) if isinstance(c.parser, Date)]
    for item in items:
        values: list[Any] = _row_values(spec, item)
        for j in text_cols:
            if values[j] not in ("", None):
                cell = WriteOnlyCell(ws, value=str(values[j]))
                cell.number_format = "@"
                values[j] = cell
        for j in date_cols:
            if values[j]:
                cell = WriteOnlyCell(ws, value=values[j])
                cell.number_format = "yyyy-mm-dd"
                values[j] = cell
        ws.append([None if v == "" else v for v in values])

    notes = wb.create_sheet(NOTES_SHEET)
    for letter, width in zip("ABCDE", (22, 8, 48, 48, 24), strict=True):
        notes.column_dimensions[letter].width = width
    heading = WriteOnlyCell(notes, value=str(title or spec.name))
    heading.font = Font(bold=True, size=14)
    notes.append([heading])
    for note in spec.notes:
        notes.append([str(note)])
    notes.append([str(_("黄色表头为必填列，灰色为选填列。列的顺序可以调整，多余的列会被忽略；表头上方可以有标题行。"))])
    notes.append([str(_("整份文件先全部校验：只要有一处错误，就一行也不写入，并按工作表、行、列列出错误。"))])
    notes.append([])
    table_head = []
    for text in (_("列名"), _("必填"), _("说明"), _("允许的值 / 格式"), _("示例")):
        cell = WriteOnlyCell(notes, value=str(text))
        cell.font = bold
        cell.fill = optional_fill
        table_head.append(cell)
    notes.append(table_head)
    wrap = Alignment(wrap_text=True, vertical="top")
    for col in spec.columns:
        row = []
        for value in (col.label, str(_("是")) if col.required else "", str(col.help), col.parser.describe(), str(col.example)):
            cell = WriteOnlyCell(notes, value=value)
            cell.alignment = wrap
            row.append(cell)
        notes.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export_file_name(stem: str, fmt: str) -> str:
    return f"{stem}-{timezone.localdate():%Y%m%d}.{fmt}"
