"""Masking of sensitive fields (home address, phone, email) in every listing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

MASK = "[masked]"


def mask_value(value: Any) -> Any:
    return MASK if value else value


def mask_row(row: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    out = dict(row)
    for name in fields:
        if name in out:
            out[name] = mask_value(out[name])
    return out
