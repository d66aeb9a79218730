"""Opaque, signed, expiring tokens: what a button carries instead of data.

A button on an answer names a server-side record (`answer_offers`) through a token, so nothing
the person typed rides in the button, a forged or edited button is refused, and an old one
expires. The signing key is generated on first use and kept in the database, so every replica
shares it and nothing has to be configured.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.core.errors import CoreError
from bot.core.storage.db import Database
from bot.core.storage.models import CoreKey

_KEY_NAME = "button-tokens"
_SIG_BYTES = 16


class TokenError(CoreError):
    """A button token that is forged, damaged or expired. The message is for the person who pressed."""

    def __init__(self, message: str = "That button has expired or is no longer valid. Please ask your question again."):
        super().__init__(message)


@dataclass(frozen=True)
class Claims:
    kind: str
    ident: str
    expires: int  # seconds since the epoch


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    def __init__(self, db: Database):
        self._db = db
        self._key: bytes | None = None
        self._lock = threading.Lock()

    def _secret(self) -> bytes:
        with self._lock:
            if self._key is None:
                self._key = bytes.fromhex(_load_or_create_key(self._db))
            return self._key

    def sign(self, *, kind: str, ident: str, expires: datetime) -> str:
        payload = _b64(json.dumps({"k": kind, "i": ident, "e": int(expires.timestamp())},
                                  separators=(",", ":")).encode())
        return f"{payload}.{self._mac(payload)}"

    def verify(self, token: str, *, kind: str, now: datetime) -> Claims:
        payload, _, mac = str(token or "").partition(".")
        if not payload or not mac or not hmac.compare_digest(mac, self._mac(payload)):
            raise TokenError()
        try:
            data = json.loads(_unb64(payload))
            claims = Claims(kind=str(data["k"]), ident=str(data["i"]), expires=int(data["e"]))
        except (ValueError, KeyError, TypeError):
            raise TokenError() from None
        if claims.kind != kind or claims.expires < now.timestamp():
            raise TokenError()
        return claims

    def _mac(self, payload: str) -> str:
        return _b64(hmac.new(self._secret(), payload.encode(), hashlib.sha256).digest()[:_SIG_BYTES])


def _load_or_create_key(db: Database) -> str:
    with db.transaction() as session:
        found = session.scalar(select(CoreKey.value).where(CoreKey.name == _KEY_NAME))
        if found:
            return found
    try:
        with db.transaction() as session:
            session.add(CoreKey(name=_KEY_NAME, value=secrets.token_hex(32), created_at=datetime.now(timezone.utc)))
    except IntegrityError:
        pass  # another replica created it first: use theirs
    with db.transaction() as session:
        return session.scalar(select(CoreKey.value).where(CoreKey.name == _KEY_NAME))
