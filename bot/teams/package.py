"""The Teams app package: manifest.json (schema v1.17) and the two icons, zipped for upload."""
from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from bot.core.content import help as help_text
from bot.teams.icons import color_icon, outline_icon

MANIFEST_SCHEMA = "https://developer.microsoft.com/en-us/json-schemas/teams/v1.17/MicrosoftTeams.schema.json"
MANIFEST_VERSION = "1.17"
SCOPES = ["personal", "team"]
# Teams shows these as the bot's command menu: a hint to ask, then what core recognises when typed.
COMMANDS = (("ask", "Ask a question about a school policy, e.g. ask can I friend a parent?"), *help_text.COMMANDS)
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_DOMAIN = re.compile(r"^(\*\.)?([a-z0-9-]+\.)+[a-z]{2,}$", re.IGNORECASE)


class PackageError(ValueError):
    """A value the manifest cannot take; the message says which and why."""


@dataclass(frozen=True)
class AppInfo:
    app_id: str
    name: str = "PolicyBot"
    full_name: str = "PolicyBot: school policy assistant"
    developer: str = "Hardmoor Nursery"
    website: str = "https://www.example.org/policybot"
    privacy_url: str = "https://www.example.org/policybot/privacy"
    terms_url: str = "https://www.example.org/policybot/terms"
    domain: str | None = None  # the public host of `policybot serve`, e.g. policybot.example.org
    version: str = "1.0.0"


def manifest(info: AppInfo) -> dict:
    if not _GUID.match(info.app_id or ""):
        raise PackageError(f"the app id must be the bot's Microsoft App ID (a GUID), not {info.app_id!r}")
    if not 1 <= len(info.name) <= 30:
        raise PackageError("the short name must be 1 to 30 characters")
    for url in (info.website, info.privacy_url, info.terms_url):
        if not url.startswith("https://"):
            raise PackageError(f"Teams requires https URLs for the developer links, not {url!r}")
    if info.domain and not _DOMAIN.match(info.domain):
        raise PackageError(f"{info.domain!r} is not a host name (give e.g. policybot.example.org, no https://)")
    if not re.match(r"^\d+\.\d+\.\d+$", info.version):
        raise PackageError("the version must look like 1.0.0")
    return {
        "$schema": MANIFEST_SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": info.version,
        "id": info.app_id.lower(),
        "developer": {"name": info.developer[:32], "websiteUrl": info.website, "privacyUrl": info.privacy_url,
                      "termsOfUseUrl": info.terms_url},
        "name": {"short": info.name, "full": info.full_name[:100]},
        "description": {
            "short": "Answers staff questions from school policy, clause by clause."[:80],
            "full": ("Ask about workplace policy (first: the Social Networking Policy) and get the exact clause "
                     "quoted, with its section and how binding it is. What the policy does not settle goes to "
                     "your line manager with one click; concerns can be reported to the head teacher in "
                     "confidence. Type \"help\" for examples."),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#2B579A",
        "bots": [{
            "botId": info.app_id.lower(),
            "scopes": list(SCOPES),
            "supportsFiles": False,
            "isNotificationOnly": False,
            "commandLists": [{"scopes": list(SCOPES),
                              "commands": [{"title": t, "description": d} for t, d in COMMANDS]}],
        }],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [info.domain] if info.domain else [],
    }


def build_package(info: AppInfo, out_dir: Path) -> Path:
    """Write `<out_dir>/policybot-teams.zip` (manifest.json, color.png, outline.png at the root)."""
    data = manifest(info)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "policybot-teams.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(data, indent=2) + "\n")
        archive.writestr("color.png", color_icon())
        archive.writestr("outline.png", outline_icon())
    return target
