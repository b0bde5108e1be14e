"""Masking of sensitive fields (home address, phone, email) in every listing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar, cast

MASK = "[masked]"


def mask_value(value: Any) -> Any:
    return MASK if value else value


#: A row's type: a masked copy keeps the shape of the row it was made from (a masked
#: value is text where the row held text).
Row = TypeVar("Row", bound=Mapping[Any, Any])


def mask_row(row: Row, fields: Iterable[str]) -> Row:
    out = dict(row)
    for name in fields:
        if name in out:
            out[name] = mask_value(out[name])
    return cast(Row, out)
