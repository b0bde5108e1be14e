"""Writing a statistics return as Markdown, CSV or xlsx, and logging that it was written.

One layout for the three: each table under its title, its note below it, the return's
notes (what is suppressed and why) at the head. CSV and Markdown text goes through the
export rules (``neutralise``, ``_md_cell``) although a return holds no personal data: a
party or council name is still text from outside. The xlsx file is made by XlsxWriter,
which writes strings as strings (never formulas) when told to, as here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from deskapp.db.desk import Desk
from deskapp.domain.errors import ValidationError
from deskapp.domain.returns import Return, Value
from deskapp.domain.vocabulary import RETURN_FORMATS, AuditAction
from deskapp.exporting.export import _check_target, _md_cell, neutralise, write_atomic
from deskapp.services import returns

FORMATS = RETURN_FORMATS


@dataclass(frozen=True)
class Written:
    path: Path
    fmt: str
    tables: int


def _csv_value(value: Value) -> str:
    if value is None:
        return ""
    return neutralise(value) if isinstance(value, str) else str(value)


def render_csv(ret: Return) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([ret.title])
    writer.writerow([f"Period: {ret.period}"])
    for note in ret.notes:
        writer.writerow([note])
    for table in ret.tables:
        writer.writerow([])
        writer.writerow([neutralise(table.title)])
        writer.writerow(list(table.columns))
        for label, figures in table.rows:
            writer.writerow([neutralise(label), *(_csv_value(f.shown()) for f in figures)])
        if table.note:
            writer.writerow([table.note])
    return out.getvalue().encode("utf-8")


def _md_value(value: Value) -> str:
    return "" if value is None else _md_cell(value)


def render_md(ret: Return) -> bytes:
    lines = [f"# {ret.title}", "", f"Period: {ret.period}", ""]
    lines += [f"- {note}" for note in ret.notes]
    for table in ret.tables:
        lines += ["", f"## {_md_cell(table.title)}", ""]
        lines.append("| " + " | ".join(table.columns) + " |")
        lines.append("|" + "---|" * len(table.columns))
        for label, figures in table.rows:
            cells = [_md_cell(label), *(_md_value(f.shown()) for f in figures)]
            lines.append("| " + " | ".join(cells) + " |")
        if table.note:
            lines += ["", table.note]
    return ("\n".join(lines) + "\n").encode("utf-8")


def render_xlsx(ret: Return) -> bytes:
    import xlsxwriter  # imported here: only an xlsx return needs it

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("Return")
    bold = book.add_format({"bold": True})
    row = 0
    sheet.write_string(row, 0, ret.title, bold)
    row += 1
    sheet.write_string(row, 0, f"Period: {ret.period}")
    for note in ret.notes:
        row += 1
        sheet.write_string(row, 0, note)
    for table in ret.tables:
        row += 2
        sheet.write_string(row, 0, table.title, bold)
        row += 1
        for col, heading in enumerate(table.columns):
            sheet.write_string(row, col, heading, bold)
        for label, figures in table.rows:
            row += 1
            sheet.write_string(row, 0, label)
            for col, figure in enumerate(figures, start=1):
                value = figure.shown()
                if isinstance(value, str):
                    sheet.write_string(row, col, value)
                elif value is not None:
                    sheet.write_number(row, col, value)
        if table.note:
            row += 1
            sheet.write_string(row, 0, table.note)
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, 8, 16)
    book.close()
    return out.getvalue()


RENDERERS = {"md": render_md, "csv": render_csv, "xlsx": render_xlsx}


def format_for(output: Path, fmt: str | None) -> str:
    """The format asked for, else the file's suffix, else Markdown."""
    chosen = fmt or output.suffix.lstrip(".").lower() or "md"
    if chosen not in FORMATS:
        raise ValidationError(
            f"Unknown return format '{chosen}'; use one of: {', '.join(FORMATS)}."
        )
    return chosen


def write_return(
    desk: Desk,
    start: date,
    end: date,
    output: Path,
    *,
    fmt: str | None = None,
    force: bool = False,
) -> Written:
    """Compute the return for ``start``..``end`` and write it to ``output``; logged."""
    fmt = format_for(output, fmt)
    period = returns.Period(start, end)
    _check_target(output, force=force)
    ret = returns.compute(desk, period)
    data = RENDERERS[fmt](ret)
    desk.log(
        AuditAction.CONSULTATION,
        "return",
        detail=f"statistics return {period.describe()} ({fmt}) to {output.name}",
    )
    write_atomic(output, data, force=force)
    return Written(output, fmt, len(ret.tables))
