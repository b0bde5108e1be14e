"""Enrolment at the hub: the root, join requests, approval, removal, and the gate every
sync passes first.

The hub holds officers' certificates and the hub data keys sealed to them, but decides
nothing: a desk trusts only what chains to the root certificate it pinned when it joined
(``protocol.certs``), and only key slots a supervisor signed. So whoever holds the hub's
connection secret can delete things (and stop syncs) but cannot enrol a desk, promote an
officer or hand desks a key of their own.

The hub data keys (``key_id`` 1, 2, …) are random 256-bit keys, sealed to each approved
officer's X25519 key with the desk's own sealing code. Removing an officer revokes their
certificate and makes a new key sealed to the others only, so nothing written afterwards
is readable with the removed officer's keys: every batch a desk pushes is encrypted with
the newest key (``sync.batches``).
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypedDict

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import Connection, delete, select, text

from deskapp.db.desk import Desk
from deskapp.db.keyslots import (
    OfficerKeys,
    open_sealed,
    seal,
    sealed_from_text,
    sealed_to_text,
    unwrap_with_passphrase,
    wrap_with_passphrase,
)
from deskapp.domain.errors import NotFound, PermissionDenied, TrustError, ValidationError
from deskapp.domain.vocabulary import OfficerRole
from deskapp.protocol import certs, jsontext
from deskapp.protocol.certs import Certificate, Revocation, Trusted
from deskapp.runtime.clock import utcnow
from deskapp.sync.hub import Hub
from deskapp.sync.hub_schema import hub_meta
from deskapp.sync.trust_tables import (
    ROOT_KEY,
    hub_certificate,
    hub_join_request,
    hub_key_slot,
    hub_officer_keys,
    hub_revocation,
)

PINS = "hub_root_pins"  # desk meta: {hub URL: root pin}
KEYS_SEEN = "hub_keys_seen"  # desk meta: {hub URL: the newest hub key id seen}
KEY_LEN = 32

Confirm = Callable[[str], bool]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# -- the desk's side: pins and the newest key seen (encrypted desk meta) -----------------
def _desk_map(desk: Desk, key: str) -> dict[str, Any]:
    with desk.read() as conn:
        raw = conn.execute(text("SELECT value FROM meta WHERE key = :k"), {"k": key}).scalar()
    found = jsontext.loads(raw) if raw else {}
    return found if isinstance(found, dict) else {}


def _desk_put(desk: Desk, key: str, hub: str, value: Any) -> None:
    current = _desk_map(desk, key)
    if current.get(hub) == value:
        return
    current[hub] = value
    with desk.write() as tx:
        tx.conn.execute(
            text(
                "INSERT INTO meta(key, value) VALUES (:k, :v) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
            ),
            {"k": key, "v": jsontext.dumps(current)},
        )


def pinned_root(desk: Desk, hub: Hub) -> str | None:
    """The pin of the hub's root this desk took when it joined (or set the hub up)."""
    value = _desk_map(desk, PINS).get(hub.display)
    return value if isinstance(value, str) else None


def _pin(desk: Desk, hub: Hub, root: Certificate) -> None:
    _desk_put(desk, PINS, hub.display, certs.root_pin(root))


# -- reading the hub's identity tables ----------------------------------------------------
@dataclass
class _HubView:
    hub_id: str
    root: Certificate | None
    certificates: list[Certificate]
    revocations: list[Revocation]
    requests: dict[str, tuple[bytes, bytes]]


def _read(conn: Connection) -> _HubView:
    meta = dict(conn.execute(select(hub_meta.c.key, hub_meta.c.value)).all())
    root = certs.parse_certificate(meta[ROOT_KEY]) if meta.get(ROOT_KEY) else None
    found: list[Certificate] = []
    for body in conn.execute(select(hub_certificate.c.body)).scalars():
        try:
            found.append(certs.parse_certificate(body))
        except TrustError:
            continue  # junk counts for nothing (and stops no one)
    revocations: list[Revocation] = []
    for body in conn.execute(select(hub_revocation.c.body)).scalars():
        try:
            revocations.append(certs.parse_revocation(body))
        except TrustError:
            continue
    requests: dict[str, tuple[bytes, bytes]] = {}
    for row in conn.execute(select(hub_join_request)):
        try:
            keys = (base64.b64decode(row.exchange_key), base64.b64decode(row.signing_key))
        except ValueError:
            continue
        requests[str(row.officer_id)] = keys
    return _HubView(str(meta.get("hub_id", "")), root, found, revocations, requests)


def _no_root(hub: Hub) -> TrustError:
    return TrustError(
        f"The hub {hub.display} has no root certificate yet: a supervisor must run "
        f"`deskapp hub init {hub.display}` first."
    )


def _trusted(view: _HubView, hub: Hub, pin: str | None) -> Trusted:
    if view.root is None:
        raise _no_root(hub)
    return certs.verify_chain(view.root, view.certificates, view.revocations, pin=pin)


def _holds(cert: Certificate | None, desk: Desk) -> bool:
    keys = desk.public_keys
    return cert is not None and (cert.exchange_key, cert.signing_key) == (
        keys.exchange,
        keys.signing,
    )


def _slot_statement(hub_id: str, key_id: int, officer_id: str, sealed: str) -> bytes:
    return certs.canonical(
        {
            "kind": "deskapp-hub-key-slot/1",
            "hub_id": hub_id,
            "key_id": key_id,
            "officer_id": officer_id,
            "sealed": sealed,
        }
    )


def key_slot_aad(hub_id: str, key_id: int, officer_id: str) -> bytes:
    return certs.canonical(
        {"kind": "deskapp-hub-key/1", "hub_id": hub_id, "key_id": key_id, "officer_id": officer_id}
    )


def _sealed_slot(
    desk: Desk, hub_id: str, key_id: int, cert: Certificate, key: bytes
) -> dict[str, Any]:
    """A key slot row: ``key`` sealed to ``cert``'s officer and signed by ``desk``'s."""
    sealed = sealed_to_text(
        seal(cert.exchange_key, key, key_slot_aad(hub_id, key_id, cert.officer_id))
    )
    statement = _slot_statement(hub_id, key_id, cert.officer_id, sealed)
    return {
        "key_id": key_id,
        "officer_id": cert.officer_id,
        "sealed": sealed,
        "signer_id": desk.officer.id,
        "signature": _b64(desk.sign(statement)),
    }


def _my_keys(conn: Connection, desk: Desk, hub_id: str, trusted: Trusted) -> dict[int, bytes]:
    """The hub data keys sealed to this desk's officer by a supervisor, unsealed."""
    keys: dict[int, bytes] = {}
    rows = conn.execute(select(hub_key_slot).where(hub_key_slot.c.officer_id == desk.officer.id))
    for row in rows:
        signer = trusted.officers.get(str(row.signer_id))
        if signer is None or signer.role != OfficerRole.SUPERVISOR:
            continue
        try:
            signature = base64.b64decode(row.signature, validate=True)
            statement = _slot_statement(hub_id, int(row.key_id), desk.officer.id, row.sealed)
            if not certs.verify_signature(signer.signing_key, signature, statement):
                continue
            aad = key_slot_aad(hub_id, int(row.key_id), desk.officer.id)
            key = open_sealed(desk.keys.exchange, sealed_from_text(row.sealed), aad)
        except (InvalidTag, ValueError, TypeError):
            continue  # altered, sealed to other keys, not a slot: counts for nothing
        if len(key) == KEY_LEN:
            keys[int(row.key_id)] = key
    return keys


# -- the gate -----------------------------------------------------------------------------
class HubTrust:
    """What an approved desk holds for one sync: the verified certificates and the hub
    data keys (in memory only), and the officer's signature."""

    def __init__(self, desk: Desk, trusted: Trusted, keys: dict[int, bytes]) -> None:
        self._desk = desk
        self.trusted = trusted
        self._keys = keys

    @property
    def officer_id(self) -> str:
        """The signed-in officer: who signs what this desk pushes."""
        return self._desk.officer.id

    @property
    def current_key(self) -> tuple[int, bytes]:
        """The newest hub data key: what anything written now is encrypted with."""
        key_id = max(self._keys)
        return key_id, self._keys[key_id]

    def key(self, key_id: int) -> bytes:
        try:
            return self._keys[key_id]
        except KeyError:
            raise TrustError(
                f"Hub key {key_id} is not sealed to officer {self._desk.officer.id}."
            ) from None

    def sign(self, data: bytes) -> bytes:
        return self._desk.sign(data)

    def verify(self, officer_id: str, data: bytes, signature: bytes) -> OfficerRole | None:
        """The role of ``officer_id`` if ``signature`` is theirs over ``data`` under their
        valid certificate; None otherwise (no certificate, revoked, or a bad signature)."""
        cert = self.trusted.officers.get(officer_id)
        if cert is None or not certs.verify_signature(cert.signing_key, signature, data):
            return None
        return cert.role


def admit(hub: Hub, desk: Desk) -> HubTrust:
    """Let this desk sync with ``hub`` only if its officer is approved there under the
    root it pinned; raises TrustError, before anything is pushed or pulled, if not."""
    pin = pinned_root(desk, hub)
    me = desk.officer.id
    if pin is None:
        raise TrustError(
            f"This desk has not joined the hub {hub.display}: run "
            f"`deskapp hub join {hub.display}`, then ask a supervisor to approve {me}."
        )
    with hub.read() as conn:
        view = _read(conn)
        trusted = _trusted(view, hub, pin)
        approved = _holds(trusted.officers.get(me), desk)
        keys = _my_keys(conn, desk, view.hub_id, trusted) if approved else {}
    if not approved:
        mine = desk.public_keys
        if any(c.officer_id == me and c.serial in trusted.revoked for c in view.certificates):
            raise TrustError(
                f"Officer {me} has been removed from the hub {hub.display}: nothing was sent "
                "or received. A supervisor can approve this desk again if that was a mistake."
            )
        raise TrustError(
            f"Waiting for a supervisor to approve {me} on this hub (fingerprint "
            f"{certs.fingerprint(mine.exchange, mine.signing)}): ask them to run "
            f"`deskapp hub approve {me}`."
        )
    if not keys:
        raise TrustError(
            f"No hub key on {hub.display} is sealed to officer {me} by a supervisor: ask a "
            f"supervisor to run `deskapp hub approve {me}` again."
        )
    seen = _desk_map(desk, KEYS_SEEN).get(hub.display)
    if isinstance(seen, int) and max(keys) < seen:
        raise TrustError(
            f"The hub {hub.display} offers an older key than this desk has already seen "
            f"(key {max(keys)}, not {seen}): it may have been tampered with. Nothing was "
            "sent or received; tell a supervisor."
        )
    _desk_put(desk, KEYS_SEEN, hub.display, max(keys))
    return HubTrust(desk, trusted, keys)


# -- the commands ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Enrolled:
    officer_id: str
    fingerprint: str
    root_officer: str
    root_fingerprint: str
    status: str  # "pending" | "approved"
    created: bool = False
    adopted: bool = False  # this desk took the officer's keys kept on the hub
    elsewhere: bool = False  # approved with another desk's keys this desk could not take


def require_supervisor(desk: Desk, action: str) -> None:
    if not desk.officer.is_supervisor:
        raise PermissionDenied(
            f"Only a supervisor can {action}; officer {desk.officer.id} is not one."
        )


def _root_info(root: Certificate, desk: Desk, status: str, created: bool = False) -> Enrolled:
    keys = desk.public_keys
    return Enrolled(
        desk.officer.id,
        certs.fingerprint(keys.exchange, keys.signing),
        root.officer_id,
        root.fingerprint,
        status,
        created,
    )


def init_root(hub: Hub, desk: Desk, passphrase: str | None = None) -> Enrolled:
    """Make the signed-in supervisor the hub's root (self-signed) with hub data key 1;
    a hub that already has this root is left as it is. Given ``passphrase``, their keys
    are kept on the hub for their next desk (see ``join``)."""
    require_supervisor(desk, "set up a hub's root")
    keys = desk.public_keys  # before the hub is touched: a recovery sign-in has none
    bundle = _bundle(desk, passphrase) if passphrase is not None else None
    hub.check()
    with hub.write() as conn:
        view = _read(conn)
        if view.root is not None:
            if view.root.officer_id != desk.officer.id or not _holds(view.root, desk):
                raise TrustError(
                    f"The hub {hub.display} already has a root: supervisor "
                    f"{view.root.officer_id} (fingerprint {view.root.fingerprint}). Join it "
                    f"with `deskapp hub join {hub.display}` instead."
                )
            root, created = view.root, False
        else:
            root = certs.issue(
                officer_id=desk.officer.id,
                role=OfficerRole.SUPERVISOR,
                exchange_key=keys.exchange,
                signing_key=keys.signing,
                issued_at=utcnow(),
                issuer_id=desk.officer.id,
                issuer_key=desk.keys.signing,
            )
            conn.execute(hub_meta.insert(), {"key": ROOT_KEY, "value": root.to_bytes().decode()})
            key = secrets.token_bytes(KEY_LEN)
            conn.execute(hub_key_slot.insert(), _sealed_slot(desk, view.hub_id, 1, root, key))
            created = True
        if bundle is not None:
            _keep(conn, desk.officer.id, bundle)
    pinned = pinned_root(desk, hub)
    if pinned is not None and pinned != certs.root_pin(root):
        certs.check_root(root, pinned)  # raises: this desk pinned another root
    _pin(desk, hub, root)
    return _root_info(root, desk, "approved", created)


def join(hub: Hub, desk: Desk, passphrase: str | None = None) -> Enrolled:
    """Pin the hub's root and, unless this desk's keys are approved there already:

    * if the officer is approved with keys from another desk, kept on the hub under
      their passphrase, and ``passphrase`` (theirs on this desk) opens them, this desk
      takes those keys (``Desk.adopt_keys``): approved, no supervisor needed;
    * otherwise record this desk's public keys as a join request, and (given
      ``passphrase``) keep this desk's keys on the hub for the officer's next desk.

    A desk that has pinned no root yet trusts the one it finds (and shows its fingerprint,
    to compare with the supervisor's); from then on only that root."""
    hub.check()
    pin = pinned_root(desk, hub)
    me = desk.officer.id
    adopted: OfficerKeys | None = None
    with hub.read() as conn:
        before = _trusted(_read(conn), hub, pin)
        cert = before.officers.get(me)
        kept = conn.execute(
            select(hub_officer_keys.c.bundle).where(hub_officer_keys.c.officer_id == me)
        ).scalar()
    bundle = None
    if cert is not None and not _holds(cert, desk) and kept and passphrase is not None:
        adopted = _open_kept(kept, cert, passphrase)
        if adopted is not None:
            desk.adopt_keys(passphrase, adopted)
    elif passphrase is not None and (cert is None or _holds(cert, desk)):
        bundle = _bundle(desk, passphrase)  # before the hub's writer lock: two derivations
    with hub.write() as conn:
        view = _read(conn)
        if view.root is None:
            raise _no_root(hub)
        trusted = _trusted(view, hub, pin)
        mine_now = trusted.officers.get(me)
        approved = _holds(mine_now, desk)
        if bundle is not None and (mine_now is None or approved):
            _keep(conn, me, bundle)
        if not approved:
            keys = desk.public_keys  # (taken from the hub just now, if adopted)
            conn.execute(
                delete(hub_join_request).where(hub_join_request.c.officer_id == desk.officer.id)
            )
            conn.execute(
                hub_join_request.insert(),
                {
                    "officer_id": desk.officer.id,
                    "exchange_key": _b64(keys.exchange),
                    "signing_key": _b64(keys.signing),
                    "requested_at": utcnow().isoformat(),
                },
            )
    _pin(desk, hub, view.root)
    status = "approved" if approved else "pending"
    elsewhere = cert is not None and not approved
    return replace(
        _root_info(view.root, desk, status), adopted=adopted is not None, elsewhere=elsewhere
    )


def _kept_aad(officer_id: str, exchange_key: bytes, signing_key: bytes) -> bytes:
    return certs.canonical(
        {
            "kind": "deskapp-officer-keys/1",
            "officer_id": officer_id,
            "exchange_key": _b64(exchange_key),
            "signing_key": _b64(signing_key),
        }
    )


def _bundle(desk: Desk, passphrase: str) -> str:
    """This desk's officer's private keys wrapped under Argon2id of their passphrase
    (checked first, so the wrap is one they can open), as the hub keeps them."""
    desk.slots.check_passphrase(desk.officer.id, passphrase)
    keys, public = desk.keys, desk.public_keys
    secret = keys.exchange.private_bytes_raw() + keys.signing.private_bytes_raw()
    aad = _kept_aad(desk.officer.id, public.exchange, public.signing)
    return jsontext.dumps(
        {
            "exchange_key": _b64(public.exchange),
            "signing_key": _b64(public.signing),
            "wrapped": wrap_with_passphrase(passphrase, secret, aad),
        }
    )


def _keep(conn: Connection, officer_id: str, bundle: str) -> None:
    conn.execute(delete(hub_officer_keys).where(hub_officer_keys.c.officer_id == officer_id))
    conn.execute(hub_officer_keys.insert(), {"officer_id": officer_id, "bundle": bundle})


def _open_kept(bundle: str, cert: Certificate, passphrase: str) -> OfficerKeys | None:
    """The officer's keys kept on the hub, if ``passphrase`` opens them and they are the
    keys of their valid certificate (a bundle someone swapped in opens nothing)."""
    try:
        doc = jsontext.loads(bundle)
        aad = _kept_aad(cert.officer_id, cert.exchange_key, cert.signing_key)
        secret = unwrap_with_passphrase(passphrase, doc["wrapped"], aad)
    except (ValueError, KeyError, TypeError):
        return None
    if secret is None or len(secret) != 2 * KEY_LEN:
        return None
    keys = OfficerKeys(
        X25519PrivateKey.from_private_bytes(secret[:KEY_LEN]),
        Ed25519PrivateKey.from_private_bytes(secret[KEY_LEN:]),
    )
    if (keys.exchange_public, keys.signing_public) != (cert.exchange_key, cert.signing_key):
        return None
    return keys


def _as_supervisor(view: _HubView, hub: Hub, desk: Desk, action: str) -> Trusted:
    require_supervisor(desk, action)
    trusted = _trusted(view, hub, pinned_root(desk, hub))
    mine = trusted.officers.get(desk.officer.id)
    if mine is None or not _holds(mine, desk) or mine.role != OfficerRole.SUPERVISOR:
        raise TrustError(
            f"Your certificate ({desk.officer.id}) does not chain to the root of the hub "
            f"{hub.display} as a supervisor's, so you cannot {action} there."
        )
    return trusted


def approve(
    hub: Hub, desk: Desk, officer_id: str, role: OfficerRole, confirm: Confirm
) -> Certificate | None:
    """Sign a certificate for ``officer_id``'s join request and seal every hub data key
    to them. ``confirm`` is shown the requester's fingerprint; None if it said no."""
    action = "approve officers on a hub"
    if pinned_root(desk, hub) is None:
        raise TrustError(f"This desk has not joined the hub {hub.display}; nothing changed.")
    hub.check()
    with hub.read() as conn:
        view = _read(conn)
        _as_supervisor(view, hub, desk, action)
    request = view.requests.get(officer_id)
    if request is None:
        raise NotFound(
            f"No join request from officer {officer_id} on the hub {hub.display}: ask them to "
            f"run `deskapp hub join {hub.display}` on their desk first."
        )
    if not confirm(certs.fingerprint(*request)):
        return None
    with hub.write() as conn:
        view = _read(conn)
        trusted = _as_supervisor(view, hub, desk, action)
        if view.requests.get(officer_id) != request:
            raise ValidationError(
                f"The join request of officer {officer_id} changed while you were confirming "
                "it; nothing was approved. Run the approval again and compare the fingerprint."
            )
        cert = certs.issue(
            officer_id=officer_id,
            role=role,
            exchange_key=request[0],
            signing_key=request[1],
            issued_at=utcnow(),
            issuer_id=desk.officer.id,
            issuer_key=desk.keys.signing,
        )
        keys = _my_keys(conn, desk, view.hub_id, trusted)
        if not keys:
            raise TrustError(
                f"No hub key on {hub.display} is sealed to you, so you cannot share it with "
                f"officer {officer_id}; nothing was approved. Ask the hub's root supervisor."
            )
        conn.execute(
            hub_certificate.insert(),
            {"serial": cert.serial, "officer_id": officer_id, "body": cert.to_bytes().decode()},
        )
        conn.execute(delete(hub_key_slot).where(hub_key_slot.c.officer_id == officer_id))
        conn.execute(
            hub_key_slot.insert(),
            [_sealed_slot(desk, view.hub_id, i, cert, k) for i, k in sorted(keys.items())],
        )
        conn.execute(delete(hub_join_request).where(hub_join_request.c.officer_id == officer_id))
    return cert


def remove(hub: Hub, desk: Desk, officer_id: str, confirm: Confirm) -> int | None:
    """Revoke ``officer_id``'s certificates and rotate the hub data key: the new key is
    sealed to the officers still approved only. Returns the new key id (None: not
    confirmed)."""
    action = "remove officers from a hub"
    hub.check()
    with hub.read() as conn:
        view = _read(conn)
        trusted = _as_supervisor(view, hub, desk, action)
    target = trusted.officers.get(officer_id)
    if target is None:
        raise NotFound(f"Officer {officer_id} is not approved on the hub {hub.display}.")
    if officer_id == trusted.root.officer_id:
        raise ValidationError(
            f"Officer {officer_id} is the hub's root and cannot be removed from it."
        )
    if not confirm(target.fingerprint):
        return None
    with hub.write() as conn:
        view = _read(conn)
        trusted = _as_supervisor(view, hub, desk, action)
        now = utcnow()
        revoked = [
            certs.revoke(c, revoked_at=now, issuer_id=desk.officer.id, issuer_key=desk.keys.signing)
            for c in view.certificates
            if c.officer_id == officer_id and c.serial not in {r.serial for r in view.revocations}
        ]
        if revoked:
            conn.execute(
                hub_revocation.insert(),
                [
                    {"serial": r.serial, "officer_id": officer_id, "body": r.to_bytes().decode()}
                    for r in revoked
                ],
            )
        after = certs.verify_chain(
            trusted.root,
            view.certificates,
            [*view.revocations, *revoked],
            pin=pinned_root(desk, hub),
        )
        newest = conn.execute(
            select(hub_key_slot.c.key_id).order_by(hub_key_slot.c.key_id.desc())
        ).scalar()
        key_id = int(newest or 0) + 1
        key = secrets.token_bytes(KEY_LEN)
        conn.execute(delete(hub_key_slot).where(hub_key_slot.c.officer_id == officer_id))
        conn.execute(
            hub_key_slot.insert(),
            [
                _sealed_slot(desk, view.hub_id, key_id, cert, key)
                for cert in after.officers.values()
            ],
        )
        conn.execute(delete(hub_join_request).where(hub_join_request.c.officer_id == officer_id))
    return key_id


class OfficerStatus(TypedDict):
    """An officer the hub knows of, as verified from a desk's pinned root (``officers``):
    ``status`` is approved, pending, revoked or unverified; ``role`` None while pending."""

    id: str
    role: str | None
    status: str
    root: bool
    fingerprint: str


def officers(hub: Hub, desk: Desk) -> list[OfficerStatus]:
    """Every officer the hub knows of: id, role, status and fingerprint, as verified
    from this desk's pinned root. Status: approved, pending (asked to join), revoked, or
    unverified (a certificate that does not chain to the root: a forgery or a leftover)."""
    hub.check()
    with hub.read() as conn:
        view = _read(conn)
    trusted = _trusted(view, hub, pinned_root(desk, hub))
    rows: dict[str, OfficerStatus] = {}
    for cert in view.certificates:
        if cert.officer_id not in trusted.officers:
            rows[cert.officer_id] = {
                "id": cert.officer_id,
                "role": str(cert.role),
                "status": "revoked" if cert.serial in trusted.revoked else "unverified",
                "root": False,
                "fingerprint": cert.fingerprint,
            }
    for officer_id, (exchange, signing) in view.requests.items():
        rows[officer_id] = {
            "id": officer_id,
            "role": None,
            "status": "pending",
            "root": False,
            "fingerprint": certs.fingerprint(exchange, signing),
        }
    for officer_id, cert in trusted.officers.items():
        rows[officer_id] = {
            "id": officer_id,
            "role": str(cert.role),
            "status": "approved",
            "root": cert is trusted.root,
            "fingerprint": cert.fingerprint,
        }
    return [rows[k] for k in sorted(rows)]
