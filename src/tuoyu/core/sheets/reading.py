"""Reading .xlsx and .csv files: finding the header, parsing every cell, collecting errors."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from ..text import compact
from .cells import CellError, _is_blank, _plain
from .results import LoadResult, SheetError, column_letter, sha256_of
from .spec import _UNIT_SUFFIX, Column, SheetSpec, header_key

NOTES_SHEET = "说明"
# How far down a header row may sit below title rows and notes.
HEADER_SEARCH_ROWS = 20
# Cells that mark a totals row, which statistics sheets often end with.
TOTAL_MARKERS = frozenset({"合计", "总计", "小计", "全市合计", "全区合计", "总数"})
MSG_REQUIRED = _("不能为空")
MSG_NOT_SPREADSHEET = _("无法识别的文件：请上传Excel（.xlsx）或CSV文件。")
MSG_OLD_XLS = _("这是旧版Excel文件（.xls）：请在Excel中“另存为”Excel工作簿（.xlsx）或CSV后再上传。")
MSG_BAD_XLSX = _("文件看起来是Excel工作簿，但无法打开（可能已损坏或加密）：请在Excel中重新保存后再上传。")
MSG_BAD_ENCODING = _("CSV文件既不是UTF-8也不是GBK编码：请在Excel中另存为“CSV UTF-8（逗号分隔）”后再上传。")
MSG_EMPTY_FILE = _("文件是空的。")
MSG_NO_HEADER = _("没有找到表头：应有一行列名，如%(examples)s。")
MSG_NO_DATA = _("文件中没有数据行。")
MSG_MISSING_COLUMN = _("缺少必填列“%(column)s”。")
MSG_MISSING_ONE_OF = _("至少要有“%(columns)s”中的一列。")
MSG_DUP_COLUMN = _("列“%(column)s”出现了两次（第%(first)s列和第%(second)s列），请删去一列。")
MSG_UNKNOWN_COLUMN = _("未识别的列“%(column)s”（第%(letter)s列）已忽略。")
MSG_SHEET_SKIPPED = _("工作表“%(sheet)s”中没有找到表头，已跳过。")
MSG_TOTAL_ROW = _("合计行，已忽略。")
MSG_NOTE_ROW = _("不是数据行（“%(text)s”），已忽略。")
_EXCEL_TEXT_FORMULA = re.compile(r'^="(.*)"$', re.S)
# A lone cell below the data such as "填表人：张三" or "注：…" is a note, not a row.
_NOTE = re.compile(r"^(填表|填报|制表|审核|负责人|联系人|注|说明|备注|数据来源|单位负责人|统计)|.*[：:]")


@dataclass
class SheetRow:
    sheet: str
    row: int
    values: dict[str, Any]
    has_errors: bool = False


@dataclass
class SheetData:
    """The parsed rows of one file, with every cell error and reading warning."""

    rows: list[SheetRow] = field(default_factory=list)
    result: LoadResult = field(default_factory=LoadResult)
    present: set[str] = field(default_factory=set)  # column keys found in the header(s)

    @property
    def good_rows(self) -> list[SheetRow]:
        return [r for r in self.rows if not r.has_errors]


def file_kind(data: bytes, file_name: str = "") -> str:
    """"xlsx" or "csv", judged by content (security.md rule 26), never by the name alone."""
    if not data:
        raise SheetError(MSG_EMPTY_FILE)
    head = data[:8]
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise SheetError(MSG_OLD_XLS)
    if head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"MZ", b"\x7fELF", b"Rar!", b"\x1f\x8b")):
        raise SheetError(MSG_NOT_SPREADSHEET)
    _decode(data)  # raises when it is not text
    return "csv"


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")  # Excel's "Unicode text" (tab separated)
        except UnicodeDecodeError as exc:
            raise SheetError(MSG_BAD_ENCODING) from exc
    if b"\x00" in data[:4096]:
        raise SheetError(MSG_NOT_SPREADSHEET)
    for encoding in ("utf-8", "gb18030"):  # GB18030 reads GBK and GB2312, as Chinese Excel writes
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if any(ord(c) < 32 and c not in "\r\n\t" for c in text[:4096]):
            raise SheetError(MSG_NOT_SPREADSHEET)
        return text
    raise SheetError(MSG_BAD_ENCODING)


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    text = _decode(data)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", "\t", ";"), key=first.count) if first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    yield from enumerate(reader, start=1)


@contextmanager
def _xlsx_sheets(data: bytes) -> Iterator[list[tuple[str, Iterator[tuple[int, Sequence[Any]]]]]]:
    """The visible sheets of a workbook but 说明, each as numbered rows; closed on exit."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged, encrypted or foreign zip
        raise SheetError(MSG_BAD_XLSX) from exc
    try:
        sheets = []
        for ws in wb.worksheets:
            if ws.title.strip() == NOTES_SHEET or getattr(ws, "sheet_state", "visible") != "visible":
                continue
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()  # some programs write a wrong <dimension>: read every row
            sheets.append((ws.title, enumerate(ws.iter_rows(values_only=True), start=1)))
        yield sheets
    finally:
        wb.close()


def _carry_forward(cells: Sequence[Any], width: int) -> list[str]:
    """A merged header cell spreads its text to the right (read-only openpyxl leaves the covered
    cells empty, and drops them altogether at the end of a row)."""
    out, last = [], ""
    for j in range(max(width, len(cells))):
        c = cells[j] if j < len(cells) else None
        text = _plain(c) if not _is_blank(c) else ""
        last = text or last
        out.append(last)
    return out


def _match_header(
    spec: SheetSpec, index: dict[str, Column], cells: Sequence[Any], above: Sequence[Any] | None,
) -> dict[int, Column]:
    upper = _carry_forward(above, len(cells)) if above is not None else []
    found: dict[int, Column] = {}
    for j, cell in enumerate(cells):
        own = _plain(cell) if not _is_blank(cell) else ""
        # Under a merged group header ("乳儿班" over "班数" | "托位数") the combined name wins.
        candidates = [upper[j] + own] if j < len(upper) and upper[j] else []
        if own:
            candidates.append(own)
        for text in candidates:
            key = header_key(text)
            col = index.get(key) or index.get(_UNIT_SUFFIX.sub("", key))
            if col is not None:
                found[j] = col
                break
    return found


def _find_header(
    spec: SheetSpec, index: dict[str, Column], head: list[tuple[int, Sequence[Any]]],
) -> tuple[int, dict[int, Column]] | None:
    best: tuple[int, dict[int, Column]] | None = None
    for i, (_number, cells) in enumerate(head):
        found = _match_header(spec, index, cells, head[i - 1][1] if i else None)
        if len(found) >= 2 or (len(found) == 1 and len(spec.columns) == 1):
            if best is None or len(found) > len(best[1]):
                best = (i, found)
    return best


def read_sheet(data: bytes, spec: SheetSpec, *, file_name: str = "") -> SheetData:
    """Read every data row of an .xlsx (every visible sheet but 说明) or a .csv file.

    Raises SheetError when the file is not a spreadsheet at all. Everything else — missing
    columns, bad cells — is collected in `SheetData.result` as errors and warnings."""
    kind = file_kind(data, file_name)
    out = SheetData()
    out.result.file_name = file_name
    out.result.file_sha256 = sha256_of(data)
    index = spec._header_index()
    found_any = False
    sheet_names: list[str] = []
    with _xlsx_sheets(data) if kind == "xlsx" else nullcontext([("", _csv_rows(data))]) as sources:
        for sheet_name, rows in sources:
            sheet_names.append(sheet_name)
            if _read_one(spec, index, sheet_name, rows, out, single=len(sources) == 1):
                found_any = True
    if not found_any:
        examples = "、".join(f"“{c.label}”" for c in spec.columns[:3])
        if len(sheet_names) > 1:
            out.result.warnings.clear()
            out.result.warning_count = 0
        out.result.error("", None, "", MSG_NO_HEADER % {"examples": examples})
    elif not out.rows and out.result.ok:
        out.result.error("", None, "", MSG_NO_DATA)
    out.result.rows = len(out.rows)
    return out


def _read_one(
    spec: SheetSpec, index: dict[str, Column], sheet: str, rows: Iterator[tuple[int, Sequence[Any]]],
    out: SheetData, *, single: bool,
) -> bool:
    result = out.result
    head: list[tuple[int, Sequence[Any]]] = []
    for item in rows:
        head.append(item)
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    found = _find_header(spec, index, head)
    if found is None:
        if not single and any(any(not _is_blank(c) for c in cells) for _n, cells in head):
            result.warning(sheet, None, "", MSG_SHEET_SKIPPED % {"sheet": sheet})
        return False
    header_at, columns = found
    header_row = head[header_at][0]
    header_cells = head[header_at][1]

    # Header problems: duplicates, unknown columns, missing required ones.
    seen: dict[str, int] = {}
    for j in sorted(columns):
        col = columns[j]
        if col.key in seen:
            result.error(sheet, None, col.label, MSG_DUP_COLUMN % {
                "column": col.label, "first": column_letter(seen[col.key]), "second": column_letter(j)})
        else:
            seen[col.key] = j
    for j, cell in enumerate(header_cells):
        if j not in columns and not _is_blank(cell):
            result.warning(sheet, header_row, _plain(cell), MSG_UNKNOWN_COLUMN % {
                "column": _plain(cell), "letter": column_letter(j)})
    for col in spec.columns:
        if col.required and col.key not in seen:
            result.error(sheet, None, col.label, MSG_MISSING_COLUMN % {"column": col.label})
    for group in spec.one_of:
        if not any(k in seen for k in group):
            labels = "”或“".join(spec.column(k).label for k in group)
            result.error(sheet, None, "", MSG_MISSING_ONE_OF % {"columns": labels})
    out.present |= set(seen)
    if not result.ok:
        return True

    positions = [(j, columns[j]) for j in sorted(seen.values())]

    def data_rows() -> Iterator[tuple[int, Sequence[Any]]]:
        yield from head[header_at + 1:]
        yield from rows

    for number, cells in data_rows():
        raw = {col.key: (cells[j] if j < len(cells) else None) for j, col in positions}
        for k, v in raw.items():
            if isinstance(v, str):
                m = _EXCEL_TEXT_FORMULA.match(v.strip())
                if m:
                    raw[k] = m.group(1)  # ="0123" keeps digits as text in Excel-bound CSVs
        filled = [v for v in raw.values() if not _is_blank(v)]
        if not filled:
            continue  # blank rows, trailing rows Excel keeps
        first = _plain(next(c for c in cells if not _is_blank(c)))
        if compact(first) in TOTAL_MARKERS:
            result.warning(sheet, number, "", MSG_TOTAL_ROW % {"row": number})
            continue
        all_cells = [c for c in cells if not _is_blank(c)]
        if len(all_cells) == 1 and _NOTE.match(_plain(all_cells[0])):
            result.warning(sheet, number, "", MSG_NOTE_ROW % {"row": number, "text": _plain(all_cells[0])[:30]})
            continue
        values: dict[str, Any] = {}
        has_errors = False
        for _j, col in positions:
            cell = raw[col.key]
            if _is_blank(cell):
                if col.required:
                    result.error(sheet, number, col.label, MSG_REQUIRED)
                    has_errors = True
                values[col.key] = None
                continue
            try:
                values[col.key] = col.parser(cell)
            except CellError as exc:
                result.error(sheet, number, col.label, exc.message)
                values[col.key] = None
                has_errors = True
        out.rows.append(SheetRow(sheet, number, values, has_errors))
    return True


def count_data_rows(data: bytes, file_name: str = "") -> int:
    """A quick upper bound of the data rows (to choose between loading now and a background job)."""
    kind = file_kind(data, file_name)
    if kind == "csv":
        return max(0, sum(1 for line in _decode(data).splitlines() if line.strip()) - 1)
    total = 0
    with _xlsx_sheets(data) as sheets:
        for _name, rows in sheets:
            total += max(0, sum(1 for _n, cells in rows if any(not _is_blank(c) for c in cells)) - 1)
    return total
