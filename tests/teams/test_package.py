"""`policybot teams-package`: the zip holds a valid v1.17 manifest for the bot and the two icons."""
from __future__ import annotations

import json
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from bot.teams.package import AppInfo, PackageError, manifest

APP_ID = "6F1C2A10-0000-4000-8000-00000000B075"
ROOT = Path(__file__).resolve().parents[2]


def decode_png(data: bytes) -> tuple[int, int, list[list[tuple[int, ...]]]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 6)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * 4 + 1
    rows = [[tuple(raw[r * stride + 1 + i * 4: r * stride + 5 + i * 4]) for i in range(width)] for r in range(height)]
    assert all(raw[r * stride] == 0 for r in range(height))
    return width, height, rows


def test_cli_builds_the_package(tmp_path):
    result = subprocess.run([sys.executable, "-m", "bot.cli", "teams-package", "--out", str(tmp_path),
                             "--app-id", APP_ID, "--domain", "policybot.example.org", "--name", "Hardmoor Policy"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "policybot-teams.zip") as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        data = json.loads(archive.read("manifest.json"))
        color, outline = archive.read("color.png"), archive.read("outline.png")
    assert data["$schema"].endswith("/v1.17/MicrosoftTeams.schema.json") and data["manifestVersion"] == "1.17"
    assert data["id"] == data["bots"][0]["botId"] == APP_ID.lower()
    assert data["name"]["short"] == "Hardmoor Policy"
    bot = data["bots"][0]
    assert bot["scopes"] == ["personal", "team"]
    titles = [c["title"] for c in bot["commandLists"][0]["commands"]]
    # The menu offers every command the conversation understands when typed.
    assert {"ask", "report", "help", "my queries", "my reports", "suggestions"} <= set(titles)
    assert all(len(c["title"]) <= 32 and len(c["description"]) <= 128 for c in bot["commandLists"][0]["commands"])
    assert data["validDomains"] == ["policybot.example.org"]
    assert data["icons"] == {"color": "color.png", "outline": "outline.png"}
    assert len(data["description"]["short"]) <= 80 and len(data["description"]["full"]) <= 4000
    assert all(data["developer"][k].startswith("https://") for k in ("websiteUrl", "privacyUrl", "termsOfUseUrl"))

    width, height, _ = decode_png(color)
    assert (width, height) == (192, 192)
    width, height, pixels = decode_png(outline)
    assert (width, height) == (32, 32)
    flat = [p for row in pixels for p in row]
    assert {p for p in flat if p[3]} == {(255, 255, 255, 255)}  # white only...
    assert sum(1 for p in flat if p[3] == 0) > len(flat) // 2  # ...on a transparent background
    assert pixels[0][0][3] == 0


def test_cli_needs_an_app_id(tmp_path):
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("Microsoft")}
    result = subprocess.run([sys.executable, "-m", "bot.cli", "teams-package", "--out", str(tmp_path)],
                            cwd=ROOT, capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 2 and "MicrosoftAppId" in result.stderr


@pytest.mark.parametrize("changes,message", [
    ({"app_id": "not-a-guid"}, "GUID"),
    ({"name": "x" * 31}, "30 characters"),
    ({"website": "http://insecure.example"}, "https"),
    ({"domain": "https://policybot.example.org"}, "host name"),
    ({"version": "1.0"}, "1.0.0"),
])
def test_bad_values_are_refused_with_a_reason(changes, message):
    with pytest.raises(PackageError, match=message):
        manifest(AppInfo(**{"app_id": APP_ID, **changes}))
