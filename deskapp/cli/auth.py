"""Who is at the keyboard: prompting for (or reading, in automation) officer and passphrase."""

from __future__ import annotations

import getpass
import os
import sys

from deskapp.db import access_log
from deskapp.db.desk import Desk, load_slots
from deskapp.domain.errors import AuthError, PermissionDenied, UsageError, ValidationError
from deskapp.domain.passphrase import check_strength
from deskapp.runtime.paths import desk_path

_TRIES = 3  # weak passphrases typed before giving up
AUDITOR_COMMANDS = (
    "An auditor can use `deskapp audit` (verify, list, who, monitor), `deskapp report "
    "returns` and their own passphrase, and nothing else."
)


def ask(prompt: str) -> str:
    if not sys.stdin.isatty():
        raise UsageError(f"No terminal to ask on for this: {prompt.strip(': ')}.")
    return input(prompt)


def erasure_confirmed(what: str, ident: str, *, yes: bool) -> bool:
    """Whether to erase: ``--yes``, or ERASE typed at the terminal. Anything else says
    nothing was erased (the caller exits 1)."""
    if yes:
        return True
    answer = ask(
        f"Erase all personal data of {what} {ident}? This cannot be undone. Type ERASE to confirm: "
    )
    if answer.strip() != "ERASE":
        print("Nothing erased.")
        return False
    return True


def ask_secret(prompt: str) -> str:
    if not sys.stdin.isatty():
        raise UsageError(
            f"No terminal to ask on for this: {prompt.strip(': ')} "
            "(for automation set DESKAPP_PASSPHRASE)."
        )
    return getpass.getpass(prompt)


def officer_id(explicit: str | None = None) -> str:
    return explicit or os.environ.get("DESKAPP_OFFICER") or ask("Officer id: ")


def current_passphrase(who: str) -> str:
    """The signed-in officer's passphrase again: DESKAPP_PASSPHRASE, else asked."""
    return os.environ.get("DESKAPP_PASSPHRASE") or ask_secret(f"Current passphrase for {who}: ")


def new_passphrase(env: str = "DESKAPP_NEW_PASSPHRASE", who: str = "the new passphrase") -> str:
    """A passphrase being set: from ``env``, else typed twice. Its strength is checked where
    it is stored (the store); at a prompt it is checked at once, so a weak one is typed again
    with the estimator's reason shown, rather than after the repeat."""
    value = os.environ.get(env)
    if value is not None:
        return value
    for tries_left in reversed(range(_TRIES)):
        first = ask_secret(f"Enter {who}: ")
        try:
            check_strength(first)
        except ValidationError as exc:
            if not tries_left:
                raise
            print(f"{exc} Try another.", file=sys.stderr)
            continue
        break
    if ask_secret(f"Repeat {who}: ") != first:
        raise AuthError("The two passphrases differ; nothing was changed.")
    return first


def open_desk(arg_db: str | None, officer: str | None = None, *, auditor_may: bool = False) -> Desk:
    """Unlock: DESKAPP_PASSPHRASE, else this terminal's keyring slot, else a prompt.

    An auditor is refused every command that does not say ``auditor_may`` (the audit log,
    its monitoring and the returns): refused by default, so a new command is closed to
    them until someone decides otherwise."""
    path = desk_path(arg_db)
    slots = load_slots(path)  # a missing database is reported before any prompt
    who = officer_id(officer)
    passphrase = os.environ.get("DESKAPP_PASSPHRASE")
    if passphrase is None and slots.unlock_keyring(who) is not None:
        desk = Desk.open(path, who)
    else:
        if passphrase is None:
            passphrase = ask_secret(f"Passphrase for officer {who}: ")
        desk = Desk.open(path, who, passphrase)
    try:
        access_log.failures_only(desk)
        if desk.officer.is_auditor and not auditor_may:
            raise PermissionDenied(AUDITOR_COMMANDS)
    except BaseException:
        desk.close()
        raise
    return desk
