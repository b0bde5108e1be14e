"""`deskapp check`: is the desk healthy? Reads only."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from deskapp.store import audit, migrate
from deskapp.store.desk import Desk


def run_checks(desk: Desk) -> dict[str, Any]:
    checks: dict[str, tuple[bool, str]] = {}
    with desk.read() as conn:
        problems = [r[0] for r in conn.exec_driver_sql("PRAGMA cipher_integrity_check")]
        checks["cipher"] = (
            not problems,
            "every page authenticates" if not problems else f"{len(problems)} pages fail HMAC",
        )
        result = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
        checks["sqlite"] = (result == ["ok"], "ok" if result == ["ok"] else "; ".join(result[:5]))
        verification = audit.verify(conn)
        checks["audit"] = (
            verification.ok,
            f"{verification.events} events chained" if verification.ok else verification.problem,
        )
        current = migrate.current_revision(conn)
        head = migrate.head_revision()
        checks["schema"] = (current == head, f"revision {current} (latest {head})")
        version = conn.execute(text("PRAGMA cipher_version")).scalar()
        checks["cipher_version"] = (bool(version), f"SQLCipher {version}")
    return {"ok": all(ok for ok, _ in checks.values()), "checks": checks}
