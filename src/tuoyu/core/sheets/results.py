"""Errors and results of a sheet load: RowError, LoadResult, LoadRejected."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..errors import DomainError

MSG_REJECTED = _("文件中有%(n)s处错误，未写入任何数据。请改正后重新上传。")


def max_listed() -> int:
    """How many errors and warnings a result keeps in full (the counts are always exact)."""
    return int(getattr(settings, "TUOYU_IMPORT_MAX_LISTED", 1000))


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (what the officer sees at the top of Excel)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
# ---------------------------------------------------------------------------------------------
# Errors and results


@dataclass(frozen=True)
class RowError:
    """One problem in a file: which sheet, which row (as Excel numbers it), which column."""

    sheet: str = ""
    row: int | None = None
    column: str = ""
    message: str = ""

    def __str__(self) -> str:
        where = gettext("第%(row)s行") % {"row": self.row} if self.row else ""
        message = str(self.message)
        column = str(self.column)
        # "统一社会信用代码校验位错误…" under the column 统一社会信用代码 reads "…：校验位错误…".
        if column and message.startswith(column) and len(message) > len(column):
            message = message[len(column):].lstrip("：: ")
        text = f"{column}：{message}" if column else message
        return f"{where} {text}".strip()

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": str(self.column), "message": str(self.message)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RowError:
        return cls(d.get("sheet", ""), d.get("row"), d.get("column", ""), d.get("message", ""))


@dataclass
class LoadResult:
    """What a load did (or, when rejected, why it did nothing).

    `rows` counts the data rows read; `rejected` the rows with at least one error. When a load is
    rejected nothing is written, so created/updated/unchanged stay 0."""

    kind: str = ""
    file_name: str = ""
    file_sha256: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    deactivated: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0
    written: bool = False
    _error_rows: set = field(default_factory=set, repr=False, compare=False)

    def error(self, sheet: str = "", row: int | None = None, column: Any = "", message: Any = "") -> None:
        self.add_error(RowError(sheet, row, str(column), str(message)))

    def warning(self, sheet: str = "", row: int | None = None, column: Any = "", message: Any = "") -> None:
        self.add_warning(RowError(sheet, row, str(column), str(message)))

    def add_error(self, err: RowError) -> None:
        self.error_count += 1
        self._error_rows.add((err.sheet, err.row))
        if len(self.errors) < max_listed():
            self.errors.append(err)

    def add_warning(self, warning: RowError) -> None:
        self.warning_count += 1
        if len(self.warnings) < max_listed():
            self.warnings.append(warning)

    def row_has_error(self, sheet: str, row: int | None) -> bool:
        return (sheet, row) in self._error_rows

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def errors_truncated(self) -> bool:
        return self.error_count > len(self.errors)

    @property
    def warnings_truncated(self) -> bool:
        return self.warning_count > len(self.warnings)

    @property
    def sheets(self) -> list[str]:
        return sorted({e.sheet for e in self.errors + self.warnings if e.sheet})

    def sort(self) -> None:
        """Errors and warnings in reading order: sheet by sheet (as they first appear), file-level
        ones first, then by row."""
        for items in (self.errors, self.warnings):
            order = {s: i for i, s in reversed(list(enumerate(e.sheet for e in items)))}
            items.sort(key=lambda e: (order[e.sheet], e.row is not None, e.row or 0))

    def reject(self) -> LoadRejected:
        """Mark the result as refused (nothing written) and return the exception to raise."""
        self.sort()
        if any(r[1] is None for r in self._error_rows):
            self.rejected = max(self.rows, 1)  # a file-level error (a missing column) spoils every row
        else:
            self.rejected = len(self._error_rows)
        self.created = self.updated = self.unchanged = self.deactivated = 0
        self.written = False
        return LoadRejected(self)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "file_name": self.file_name, "file_sha256": self.file_sha256,
            "rows": self.rows, "created": self.created, "updated": self.updated,
            "unchanged": self.unchanged, "rejected": self.rejected, "deactivated": self.deactivated,
            "error_count": self.error_count, "warning_count": self.warning_count, "written": self.written,
            "errors": [e.as_dict() for e in self.errors], "warnings": [w.as_dict() for w in self.warnings],
        }

    def counts(self) -> dict[str, int]:
        """The figures an audit row records (no cell values: they may be personal)."""
        return {k: getattr(self, k) for k in (
            "rows", "created", "updated", "unchanged", "rejected", "deactivated", "error_count", "warning_count")}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LoadResult:
        simple = {k: d[k] for k in (
            "kind", "file_name", "file_sha256", "rows", "created", "updated", "unchanged", "rejected",
            "deactivated", "error_count", "warning_count", "written") if k in d}
        return cls(
            **simple,
            errors=[RowError.from_dict(e) for e in d.get("errors", [])],
            warnings=[RowError.from_dict(w) for w in d.get("warnings", [])],
        )


class LoadRejected(DomainError):
    """A file (or a list of rows) with at least one error: nothing was written."""

    code = "load_rejected"

    def __init__(self, result: LoadResult) -> None:
        self.result = result
        super().__init__(MSG_REJECTED % {"n": result.error_count})


class SheetError(DomainError):
    """The file as a whole cannot be read (not a spreadsheet, wrong encoding, no header)."""

    code = "bad_file"


class CellError(ValueError):
    """A cell's value cannot be read; the message says what is expected."""

    def __init__(self, message: Any) -> None:
        self.message = str(message)
        super().__init__(self.message)


def result_lines(result: LoadResult) -> list[str]:
    """A result in plain lines for the command line: counts, then every listed error and warning."""
    lines = [
        gettext("文件：%(name)s（SHA-256 %(sha)s）") % {"name": result.file_name or "-", "sha": result.file_sha256[:16] or "-"},
        gettext("读取%(rows)s行：新增%(created)s，更新%(updated)s，未变%(unchanged)s，拒收%(rejected)s，停用%(deactivated)s") % {
            "rows": result.rows, "created": result.created, "updated": result.updated,
            "unchanged": result.unchanged, "rejected": result.rejected, "deactivated": result.deactivated},
    ]

    def where(e: RowError) -> str:
        return f"[{e.sheet}] {e}" if e.sheet else str(e)

    if result.error_count:
        lines.append(str(MSG_REJECTED % {"n": result.error_count}))
        lines += ["  " + where(e) for e in result.errors]
        if result.errors_truncated:
            lines.append("  " + gettext("……另有%(n)s处错误未列出") % {"n": result.error_count - len(result.errors)})
    if result.warning_count:
        lines.append(gettext("提示%(n)s条：") % {"n": result.warning_count})
        lines += ["  " + where(w) for w in result.warnings]
        if result.warnings_truncated:
            lines.append("  " + gettext("……另有%(n)s条提示未列出") % {"n": result.warning_count - len(result.warnings)})
    return lines
