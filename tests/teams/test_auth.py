"""With MicrosoftAppId set, every request without a valid Bot Framework token is refused with 401,
quickly, and nothing is sent; in emulator mode, only this machine may use the endpoint."""
from __future__ import annotations

import base64
import json
import secrets
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.teams.auth import Unauthorized, precheck
from tests.support.directory import PEOPLE, write_directory
from tests.support.env import server_env, sqlite_url
from tests.support.index import prebuilt_index_dir
from tests.support.server import ServerProcess
from tests.teams.e2e_support import FakeConnector, post_activity
from tests.teams.teamsfakes import activity

APP_ID = "00000000-0000-0000-0000-00000000b075"
NOW = int(time.time())
CLAIMS = {"iss": "https://api.botframework.com", "aud": APP_ID, "serviceurl": "http://127.0.0.1:9/",
          "nbf": NOW - 60, "exp": NOW + 3600}


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _rsa_token() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(CLAIMS, key, algorithm="RS256", headers={"kid": "not-a-microsoft-key"})


BAD_HEADERS = {
    "no Authorization header": None,
    "Bearer garbage": "Bearer garbage",
    "Basic credentials": "Basic dXNlcjpwYXNz",
    "malformed JWT": "Bearer " + "eyJhbGciOiJSUzI1NiJ9.!!!not-base64!!!.c2ln",
    "JWT with a non-JSON header": "Bearer " + base64.urlsafe_b64encode(b"nope").decode() + ".e30.c2ln",
    "unsigned JWT (alg none)": "Bearer " + _b64({"alg": "none", "typ": "JWT"}) + "." + _b64(CLAIMS) + ".",
    "JWT signed with a random HS256 key": "Bearer " + jwt.encode(CLAIMS, secrets.token_hex(32), algorithm="HS256"),
    "RS256 JWT signed with a random RSA key": "Bearer " + _rsa_token(),
}


@pytest.fixture(scope="module")
def connector():
    return FakeConnector().start()


@pytest.fixture(scope="module")
def secured(tmp_path_factory):
    work = tmp_path_factory.mktemp("teams-auth")
    index_dir = prebuilt_index_dir(tmp_path_factory.getbasetemp() / "policy-index-shared")
    # No internet in CI: any attempt to fetch Microsoft's signing keys fails at once (closed port).
    env = server_env(database_url=sqlite_url(work / "policybot.db"), directory=write_directory(work / "directory.csv"),
                     index_dir=index_dir, MicrosoftAppId=APP_ID, MicrosoftAppPassword="not-a-real-secret",
                     HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9", NO_PROXY="")
    process = ServerProcess(env, log_path=work / "server.log").start(timeout=120)
    yield process
    process.stop()


@pytest.mark.parametrize("case", list(BAD_HEADERS))
def test_requests_without_a_valid_token_get_401_and_nothing_is_sent(case, secured, connector):
    header = BAD_HEADERS[case]
    body = activity(aad=PEOPLE["staff"].teams_user_id, text="report", service_url=connector.url)
    started = time.monotonic()
    status = post_activity(secured.url, body, headers={"Authorization": header} if header else {})
    assert status == 401, secured.log()
    assert time.monotonic() - started < 8
    time.sleep(0.2)
    assert connector.calls == []


def test_auth_failures_are_logged_not_crashes(secured):
    log = secured.log()
    assert "refused a request to /api/messages" in log
    assert "Traceback" not in log and "Error handling request" not in log


def test_not_json_is_refused_before_parsing_without_a_token(secured):
    assert post_activity(secured.url, None, raw=b"not json") == 401


@pytest.mark.parametrize("case", [c for c in BAD_HEADERS if c != "RS256 JWT signed with a random RSA key"])
def test_precheck_refuses_without_network(case):
    with pytest.raises(Unauthorized):
        precheck(BAD_HEADERS[case])


def test_precheck_lets_a_well_formed_channel_token_through_to_botbuilder():
    precheck(BAD_HEADERS["RS256 JWT signed with a random RSA key"])  # botbuilder then checks the signature


# -- in process: botbuilder's own signature and claim checks, with Microsoft's keys stood in --------

class _Keys:
    """Stands in for botbuilder's cached OpenID metadata (normally fetched from login.botframework.com)."""

    def __init__(self, public_key):
        from botframework.connector.auth.jwt_token_extractor import _OpenIdConfig
        self.config = _OpenIdConfig(public_key, ["msteams"])

    async def get(self, key_id):
        return self.config if key_id == "test-kid" else None


@pytest.fixture
def channel_key(monkeypatch):
    from botframework.connector.auth import AuthenticationConstants
    from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    monkeypatch.setitem(JwtTokenExtractor.metadataCache, AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL,
                        _Keys(key.public_key()))
    return key


async def _client(assistant):
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    from bot.settings import Settings
    from bot.teams.server import mount

    app = web.Application()
    mount(app, settings=Settings(microsoft_app_id=APP_ID, microsoft_app_password="x"), assistant=assistant)
    client = TestClient(TestServer(app))
    await client.start_server()
    return client


def _token(key, **changes) -> str:
    claims = {**CLAIMS, "serviceurl": "http://127.0.0.1:9/", **changes}
    return "Bearer " + jwt.encode(claims, key, algorithm="RS256", headers={"kid": changes.pop("kid", "test-kid")})


async def test_a_valid_channel_token_is_accepted_and_a_bad_signature_is_not(assistant, channel_key):
    client = await _client(assistant)
    try:
        # A conversationUpdate that adds nobody: accepted, and the bot has nothing to send.
        body = activity(type="conversationUpdate", members_added=[], service_url="http://127.0.0.1:9/")
        ok = await client.post("/api/messages", json=body, headers={"Authorization": _token(channel_key)})
        assert ok.status in (200, 201)
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        cases = {
            "signed by another key": _token(other),
            "for another bot": _token(channel_key, aud="someone-else"),
            "expired": _token(channel_key, exp=NOW - 3600, nbf=NOW - 7200),
            "for another service URL": _token(channel_key, serviceurl="https://evil.example/"),
            "unknown key id": "Bearer " + jwt.encode(CLAIMS, channel_key, algorithm="RS256", headers={"kid": "other"}),
        }
        for case, header in cases.items():
            response = await client.post("/api/messages", json=body, headers={"Authorization": header})
            assert response.status == 401, case
    finally:
        await client.close()


async def test_emulator_mode_serves_this_machine_only(assistant):
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    from bot.settings import Settings
    from bot.teams.server import mount

    app = web.Application()
    mount(app, settings=Settings(teams_emulator=True), assistant=assistant)
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        body = activity(type="conversationUpdate", members_added=[], service_url="http://127.0.0.1:9/")
        assert (await client.post("/api/messages", json=body)).status == 201
        forwarded = await client.post("/api/messages", json=body, headers={"X-Forwarded-For": "203.0.113.9"})
        assert forwarded.status == 401
        remote = activity(type="conversationUpdate", members_added=[], service_url="https://attacker.example/")
        assert (await client.post("/api/messages", json=remote)).status == 401
    finally:
        await client.close()


@pytest.mark.parametrize("settings,message", [
    ({"microsoft_app_type": "SingleTenant", "microsoft_app_id": APP_ID, "microsoft_app_password": "x"},
     "MicrosoftAppTenantId"),
    ({"microsoft_app_type": "Tenantish"}, "MicrosoftAppType must be"),
    ({"microsoft_app_id": APP_ID}, "MicrosoftAppPassword"),
])
def test_bad_configuration_is_refused_with_a_clear_message(settings, message, assistant):
    from bot.settings import Settings
    from bot.teams.server import build

    with pytest.raises(ValueError, match=message):
        build(settings=Settings(**settings), assistant=assistant)
