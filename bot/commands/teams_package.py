"""`policybot teams-package`: build the Microsoft Teams app package (zip) to upload."""
from __future__ import annotations

import sys
from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "teams-package", help="build the Microsoft Teams app package (manifest + icons) to upload",
        description="Write policybot-teams.zip: manifest.json (bot id, commands) and the two icons. "
                    "Upload it in Teams (Apps > Manage your apps > Upload an app) or the Teams admin centre.")
    parser.add_argument("--out", default=".", help="folder to write policybot-teams.zip into (default: .)")
    parser.add_argument("--app-id", help="the bot's Microsoft App ID (default: $MicrosoftAppId)")
    parser.add_argument("--name", default="PolicyBot", help="short app name shown in Teams (max 30 characters)")
    parser.add_argument("--developer", default="Hardmoor Nursery", help="developer (school or trust) name")
    parser.add_argument("--website", default="https://www.example.org/policybot", help="https URL about the app")
    parser.add_argument("--privacy-url", default=None, help="https URL of the privacy notice (default: <website>/privacy)")
    parser.add_argument("--terms-url", default=None, help="https URL of the terms of use (default: <website>/terms)")
    parser.add_argument("--domain", default=None, help="public host name of `policybot serve` (validDomains)")
    parser.add_argument("--version", dest="app_version", default="1.0.0", help="package version (raise it for each upload)")
    parser.set_defaults(handler=_build)


def _build(args) -> int:
    from bot.settings import Settings
    from bot.teams.package import AppInfo, PackageError, build_package

    app_id = args.app_id or Settings.from_env().microsoft_app_id
    if not app_id:
        print("teams-package: give --app-id or set MicrosoftAppId (the Azure Bot's Microsoft App ID)", file=sys.stderr)
        return 2
    website = args.website.rstrip("/")
    info = AppInfo(app_id=app_id, name=args.name, developer=args.developer, website=website,
                   privacy_url=args.privacy_url or f"{website}/privacy", terms_url=args.terms_url or f"{website}/terms",
                   domain=args.domain, version=args.app_version)
    try:
        target = build_package(info, Path(args.out))
    except PackageError as exc:
        print(f"teams-package: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {target} (upload it in Teams: Apps > Manage your apps > Upload an app)")
    return 0
