"""How strong a chosen passphrase must be: officers' passphrases and the file hub's alike.

zxcvbn estimates how many guesses a passphrase takes (dictionaries, names, keyboard
patterns, dates, l33t); score 3 ("safely unguessable: moderate protection from an offline
slow-hash scenario") is the floor. It is imported only when a passphrase is being set,
so unlocking and ``--help`` never pay for its dictionaries.
"""

from __future__ import annotations

from collections.abc import Iterable

from deskapp.domain.errors import ValidationError

MIN_SCORE = 3  # of zxcvbn's 0-4
# zxcvbn reads at most this many characters; longer passphrases are judged on their start.
_MAX_CHECKED = 100


def check_strength(
    passphrase: str, *, what: str = "passphrase", context: Iterable[str] = ()
) -> str:
    """Return the passphrase, or raise ValidationError with the estimator's reason.

    ``context`` holds words an attacker would try first (the officer id, the desk's name):
    a passphrase built from them scores lower.
    """
    if not passphrase:
        raise ValidationError(f"The {what} must not be empty.")
    from zxcvbn import zxcvbn

    result = zxcvbn(passphrase[:_MAX_CHECKED], user_inputs=[c for c in context if c])
    score = int(result["score"])
    if score >= MIN_SCORE:
        return passphrase
    feedback = result.get("feedback") or {}
    reasons = [str(feedback.get("warning") or "")] + [
        str(s) for s in feedback.get("suggestions", [])
    ]
    reason = " ".join(r for r in reasons if r) or "Use a longer passphrase of uncommon words."
    raise ValidationError(
        f"That {what} is too easy to guess (strength {score} of 4; {MIN_SCORE} is needed). {reason}"
    )
