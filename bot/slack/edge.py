"""The HTTP edge of `POST /slack/events`: what a request must be before Bolt sees it.

1. Signed by Slack (https://api.slack.com/authentication/verifying-requests-from-slack): a
   numeric `X-Slack-Request-Timestamp` within five minutes of this server's clock, and
   `X-Slack-Signature` = `v0=` + HMAC-SHA256(signing secret, `v0:{timestamp}:{raw body}`),
   computed over the raw bytes. Otherwise 401.
2. Well formed, in the way Bolt will read it: UTF-8, and where Bolt parses JSON (the JSON
   body, or the `payload=` form field) a JSON object. Otherwise 400.

Nothing about the body is ever logged or returned: the reasons below are fixed strings. Bolt
itself crashes (HTTP 500, a traceback) on a non-numeric timestamp or a body it cannot parse,
and logs a refused request's whole body at INFO; with this edge it sees neither.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl

# Slack's own limit: older (or future) requests may be replays.
MAX_AGE_SECONDS = 5 * 60
_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # ASCII digits only (str.isdigit() also accepts "²")


@dataclass(frozen=True)
class Refusal:
    status: int  # 401: not from Slack; 400: from Slack (signed) but not something Bolt can read
    reason: str  # for the log; never contains the request's content


def signature_problem(body: bytes, headers: Mapping[str, str], signing_secret: str, now: float) -> str | None:
    """Why the request is not signed by Slack, or None if it is."""
    timestamp = headers.get("X-Slack-Request-Timestamp", "")
    if not _TIMESTAMP.fullmatch(timestamp):
        return "X-Slack-Request-Timestamp is missing or not a number"
    if abs(now - int(timestamp)) > MAX_AGE_SECONDS:
        return "X-Slack-Request-Timestamp is more than five minutes from this server's clock"
    signature = headers.get("X-Slack-Signature", "")
    if not signature.startswith("v0="):
        return "X-Slack-Signature is missing or not a v0 signature"
    expected = "v0=" + hmac.new(signing_secret.encode(), b"v0:" + timestamp.encode() + b":" + body,
                                hashlib.sha256).hexdigest()
    # Bytes: compare_digest refuses str with non-ASCII characters, which a forged header may have.
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "surrogateescape")):
        return "X-Slack-Signature does not match the body (wrong signing secret, or the body was changed)"
    return None


def body_problem(text: str, content_type: str) -> str | None:
    """Why Bolt could not read this body, or None. Mirrors the decisions of slack_bolt's parse_body."""
    if not text:
        return None  # Bolt reads an empty body as {}
    if content_type == "application/json" or text.startswith("{"):
        return None if isinstance(_json(text), dict) else "the body is not a JSON object"
    if "payload" in text:  # Bolt's own test; it then reads the `payload` form field as JSON
        payload = dict(parse_qsl(text, keep_blank_values=True)).get("payload")
        if payload is not None:
            parsed = _json(payload)
            if not isinstance(parsed, dict):
                return "the payload field is not a JSON object"
            return _view_problem(parsed)
    return None


def _view_problem(payload: dict) -> str | None:
    """Bolt indexes a view payload's `view["type"]` before any listener runs (a KeyError, so a
    500): a signed but incomplete one is refused here instead."""
    if payload.get("type") not in ("view_submission", "view_closed"):
        return None
    view = payload.get("view")
    if not isinstance(view, dict) or not isinstance(view.get("type"), str):
        return "the view is missing or has no type"
    return None


def _json(text: str) -> object:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python can parse
        return None


def check(body: bytes, headers: Mapping[str, str], signing_secret: str, now: float) -> tuple[str, Refusal | None]:
    """(the body as text, None) for a request Bolt may see; else ("", why it is refused)."""
    problem = signature_problem(body, headers, signing_secret, now)
    if problem:
        return "", Refusal(401, problem)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "", Refusal(400, "the body is not UTF-8")
    # Bolt compares the media type exactly, without parameters (`; charset=utf-8`).
    problem = body_problem(text, headers.get("Content-Type", "").split(";")[0])
    if problem:
        return "", Refusal(400, problem)
    return text, None
