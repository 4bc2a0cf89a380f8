"""Spreadsheets in and out: .xlsx and .csv as Chinese offices keep them (issue #9).

A `SheetSpec` lists the columns of one kind of sheet by their Chinese headers. `read_sheet` finds
the header row (title rows above it, two-row headers with merged cells, "*" required markers,
spaces and full-width characters are all tolerated), parses every cell with the column's parser and
reports each problem as a `RowError` naming the sheet, the row and the column in plain Chinese.
`write_xlsx`/`write_csv` write the same columns back, so an exported file loads again without
editing its headers; the .xlsx carries a 说明 sheet explaining every column and its allowed values.

What a loader does with the parsed rows is the calling app's business: it validates every row,
raises `LoadRejected` (nothing written) when any row is wrong, and otherwise writes everything in
one transaction and returns a `LoadResult` (security.md rule 30).
"""

from .cells import (
    Boolean,
    CellError,
    Choice,
    CreditCode,
    Date,
    DivisionCode,
    Integer,
    Number,
    Parser,
    Text,
    Time,
)
from .reading import SheetData, SheetRow, count_data_rows, file_kind, read_sheet
from .records import (
    common_region_code,
    load_audit_entry,
    record_export,
    record_rejected_load,
    run_export_command,
    run_load_command,
    scope_text,
)
from .results import (
    LoadRejected,
    LoadResult,
    RowError,
    SheetError,
    column_letter,
    max_listed,
    result_lines,
    sha256_of,
)
from .spec import Column, SheetSpec, header_key
from .writing import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, export_file_name, write_csv, write_xlsx

__all__ = [
    "Boolean", "CSV_CONTENT_TYPE", "CellError", "Choice", "Column", "CreditCode", "Date", "DivisionCode",
    "Integer", "LoadRejected", "LoadResult", "Number", "Parser", "RowError", "SheetData", "SheetError",
    "SheetRow", "SheetSpec", "Text", "Time", "XLSX_CONTENT_TYPE", "column_letter", "common_region_code",
    "count_data_rows", "export_file_name", "file_kind", "header_key", "load_audit_entry", "max_listed",
    "read_sheet", "record_export", "record_rejected_load", "result_lines", "run_export_command",
    "run_load_command", "scope_text", "sha256_of", "write_csv", "write_xlsx",
]
