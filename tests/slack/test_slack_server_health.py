"""bot.server in-process: /healthz is 503 until the index and model are loaded, then 200; a
failed load says why. The answerer is a stand-in passed through build_assistant's `index`."""
from __future__ import annotations

import asyncio
import threading

import numpy as np
from aiohttp.test_utils import TestClient, TestServer

from bot.composition import build_assistant
from bot.server import create_app
from bot.settings import Settings


class GatedIndex:
    """Loads only when `release` is set (as a slow model load would); fails if told to."""

    def __init__(self, fail: bool = False):
        self.release = threading.Event()
        self.fail = fail
        self.policies = []

    def encode(self, texts):
        if not self.release.wait(10):
            raise TimeoutError("never released")
        if self.fail:
            raise RuntimeError("index files are corrupt")
        return np.zeros((len(texts), 4), dtype=np.float32)


async def _until(client, status: int) -> dict:
    for _ in range(100):
        response = await client.get("/healthz")
        if response.status == status:
            return await response.json()
        await asyncio.sleep(0.05)
    raise AssertionError(f"/healthz never became {status}")


def _settings(tmp_path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", index_dir=tmp_path / "index")


async def test_healthz_waits_for_the_index_and_model(tmp_path):
    index = GatedIndex()
    app = create_app(_settings(tmp_path), assistant=build_assistant(_settings(tmp_path), index=index))
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/healthz")
        assert response.status == 503 and (await response.json())["status"] == "starting"
        assert (await client.post("/slack/events", data=b"{}")).status == 404  # Slack not configured
        index.release.set()
        assert await _until(client, 200) == {"status": "ok"}


async def test_healthz_reports_a_failed_load(tmp_path):
    index = GatedIndex(fail=True)
    index.release.set()
    app = create_app(_settings(tmp_path), assistant=build_assistant(_settings(tmp_path), index=index))
    async with TestClient(TestServer(app)) as client:
        body = await _until(client, 503)
        for _ in range(100):
            body = await (await client.get("/healthz")).json()
            if body["status"] == "error":
                break
            await asyncio.sleep(0.05)
        assert body == {"status": "error", "error": "RuntimeError: index files are corrupt"}
