"""Audit rows for loads and exports (security.md rules 17 and 19), and what every `tuoyu
load-…`/`export-…` command does."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext

from .results import LoadRejected, LoadResult, SheetError, result_lines


def common_region_code(codes: Iterable[str]) -> str:
    """The deepest division containing all the codes (12 digits), for scoping the audit row."""
    from ..divisions import PREFIX_LENGTH, Level

    codes = [c for c in codes if c]
    if not codes:
        return ""
    first = codes[0]
    for level in (Level.COMMUNITY, Level.STREET, Level.DISTRICT, Level.CITY, Level.PROVINCE):
        n = PREFIX_LENGTH[level]
        if all(c[:n] == first[:n] for c in codes):
            return first[:n].ljust(12, "0")
    return ""


def load_audit_entry(actor: Any, action: str, result: LoadResult, *, region_code: str = "") -> Any:
    """The audit row of a whole load: the file's SHA-256 and name and the row counts, never its
    cell values. A refused load is recorded too, as failed."""
    from .. import audit
    from ..models import AuditEntry

    return audit.build(
        actor, action, target_type="file", target_id=result.file_sha256[:64], target_repr=result.file_name[:200],
        region_code=region_code,
        changes={"file_sha256": result.file_sha256, "file_name": result.file_name, **result.counts()},
        result=AuditEntry.Result.OK if result.ok else AuditEntry.Result.FAILED,
    )


def record_rejected_load(actor: Any, action: str, result: LoadResult, *, region_code: str = "") -> None:
    from .. import audit

    audit.append([load_audit_entry(actor, action, result, region_code=region_code)])


def scope_text(actor: Any, action: str) -> str:
    from ..scoping import scope_of

    scope = scope_of(actor, action)
    prefixes = sorted(scope.region_prefixes)
    return "全部" if "" in prefixes else ",".join(prefixes)


def record_export(actor: Any, action: str, *, fmt: str, rows: int, region_code: str = "",
                  filters: dict[str, Any] | None = None, scope_action: str = "") -> None:
    """An export is a personal-data event (security.md rule 17): who, scope, row count, format."""
    from .. import audit

    audit.record(actor, action, target_type="export", target_repr=f"{action}.{fmt}", region_code=region_code,
                 changes={"format": fmt, "rows": rows, "scope": scope_text(actor, scope_action or "export_data"),
                          "filters": filters or {}})


def run_load_command(command: Any, load: Any, path: str, **kwargs: Any) -> LoadResult:
    """What every `tuoyu load-…` command does: read the file, load it as SYSTEM, print the result;
    a refused file exits with status 1."""
    from pathlib import Path

    from django.core.management.base import CommandError

    from ..scoping import SYSTEM

    file = Path(path)
    if not file.is_file():
        raise CommandError(gettext("找不到文件：%(path)s") % {"path": path})
    try:
        result = load(actor=SYSTEM, data=file.read_bytes(), file_name=file.name, **kwargs)
    except LoadRejected as exc:
        for line in result_lines(exc.result):
            command.stderr.write(line)
        raise CommandError(str(exc.message), returncode=1) from exc
    except SheetError as exc:
        raise CommandError(str(exc.message), returncode=1) from exc
    for line in result_lines(result):
        command.stdout.write(line)
    return result


def run_export_command(command: Any, export: Any, path: str, **kwargs: Any) -> None:
    """What every `tuoyu export-…` command does: export as SYSTEM in the format the suffix names."""
    from pathlib import Path

    from ..scoping import SYSTEM

    out = Path(path)
    fmt = "csv" if out.suffix.lower() == ".csv" else "xlsx"
    file = export(actor=SYSTEM, fmt=fmt, **kwargs)
    out.write_bytes(file.content)
    command.stdout.write(gettext("已导出%(n)s行到%(path)s") % {"n": file.rows, "path": out})
