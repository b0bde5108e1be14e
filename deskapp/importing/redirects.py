"""Read Democracy Club's person redirects: a CSV of ``old_person_id,new_person_id``, one
row for each person DC merged into another. The desk follows them with
:func:`deskapp.services.people.apply_redirects`. Problems name the row, never a value."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Final

from deskapp.domain.errors import NotFound, ValidationError

COLUMNS: Final = ("old_person_id", "new_person_id")
MAX_BYTES: Final = 16 * 1024 * 1024


def parse_redirects(path: Path) -> dict[str, str]:
    """``{old id: new id}`` from the file; raises ValidationError naming the first bad row."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ValidationError(
                f"The redirects file is larger than {MAX_BYTES // (1024 * 1024)} MB."
            )
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise NotFound(f"No file at {path}. Check the path and try again.") from None
    except UnicodeDecodeError:
        raise ValidationError("The redirects file is not UTF-8 text.") from None
    except OSError as exc:
        raise ValidationError(f"Could not read {path}: {exc.strerror or exc}.") from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error:
        raise ValidationError("The redirects file's CSV quoting is malformed.") from None
    if not rows or [c.strip().lower() for c in rows[0][:2]] != list(COLUMNS):
        raise ValidationError("The redirects file must start with old_person_id,new_person_id.")
    out: dict[str, str] = {}
    for n, row in enumerate(rows[1:], start=2):
        if not "".join(row).strip():
            continue
        old, new = [*row, "", ""][:2]
        old, new = old.strip(), new.strip()
        if not (old.isascii() and old.isdigit() and new.isascii() and new.isdigit()):
            raise ValidationError(f"Row {n} of the redirects file: both ids must be whole numbers.")
        if old == new:
            raise ValidationError(f"Row {n} of the redirects file points a person at themselves.")
        if out.get(old, new) != new:
            raise ValidationError(
                f"Row {n} of the redirects file sends an id already redirected elsewhere."
            )
        out[old] = new
    return out
