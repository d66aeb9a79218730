"""Slack load benchmark: N concurrent signed `message.im` events against the real server.

Starts a fake Slack Web API and `policybot serve` (as the end-to-end tests do), sends N
correctly signed Events API requests at once, and reports the ack latency (HTTP response
time, which Slack wants under 3 s) and how many answers reached the fake within a timeout.

    .venv/bin/python benchmarks/bench_slack_load.py [--events 50] [--timeout 60]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from tests.slack.fake_slack import FakeSlack  # noqa: E402
from tests.slack.slack_requests import BOT_TOKEN, SIGNING_SECRET, SlackSender  # noqa: E402
from tests.support.directory import PEOPLE, write_directory  # noqa: E402
from tests.support.env import server_env, sqlite_url  # noqa: E402
from tests.support.index import prebuilt_index_dir  # noqa: E402
from tests.support.server import ServerProcess  # noqa: E402

QUESTIONS = [
    "Can I accept a friend request from a parent on Facebook?",
    "can I post photos of the children on instagram?",
    "Am I allowed to use social media on my break at work?",
    "can I give my personal phone number to a parent?",
    "what should I do if a pupil posts insults about me online?",
    "is it ok to mention where I work on my profile?",
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


async def send_all(sender: SlackSender, events: int, prefix: str = "LOAD") -> list[tuple[int, float, str]]:
    users = [p.slack_user_id for p in PEOPLE.values() if p.slack_user_id]
    bodies = []
    for i in range(events):
        channel = f"D{prefix}{i:04d}"
        event = {"type": "message", "channel": channel, "user": users[i % len(users)], "text": QUESTIONS[i % len(QUESTIONS)],
                 "ts": f"{time.time():.6f}", "channel_type": "im", "client_msg_id": f"{prefix}-{i}"}
        bodies.append((channel, json.dumps(sender.event_body(event, event_id=f"Ev{prefix}{i:04d}"))))

    async with aiohttp.ClientSession() as session:
        async def one(channel: str, body: str) -> tuple[int, float, str]:
            timestamp = str(int(time.time()))
            headers = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": timestamp,
                       "X-Slack-Signature": sender.verifier.generate_signature(timestamp=timestamp, body=body)}
            started = time.perf_counter()
            async with session.post(sender.url, data=body.encode(), headers=headers) as response:
                await response.read()
                return response.status, time.perf_counter() - started, channel

        return await asyncio.gather(*(one(c, b) for c, b in bodies))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for all answers")
    args = parser.parse_args()
    console = Console(highlight=False)
    with tempfile.TemporaryDirectory(prefix="policybot-bench-") as tmp:
        tmp_path = Path(tmp)
        index_dir = prebuilt_index_dir(ROOT / ".policybot" / "bench-index")
        fake = FakeSlack(users={p.slack_user_id: p.email for p in PEOPLE.values() if p.slack_user_id}).start()
        env = server_env(database_url=sqlite_url(tmp_path / "bench.db"), directory=write_directory(tmp_path / "d.csv"),
                         index_dir=index_dir, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                         SLACK_API_URL=fake.api_url)
        server = ServerProcess(env, log_path=tmp_path / "server.log")
        try:
            started = time.perf_counter()
            server.start()
            ready = time.perf_counter() - started
            sender = SlackSender(server.url)
            # One warm-up event, so the first-request auth.test is not in the numbers.
            asyncio.run(send_all(sender, 1, prefix="WARM"))
            fake.wait_for("chat.postMessage", lambda c: c.params.get("channel") == "DWARM0000", timeout=30)
            fake.calls.clear()

            burst = time.perf_counter()
            results = asyncio.run(send_all(sender, args.events))
            channels = {channel for _, _, channel in results}
            deadline = time.monotonic() + args.timeout
            delivered: set[str] = set()
            while time.monotonic() < deadline:
                delivered = {c.params.get("channel") for c in fake.find("chat.postMessage")} & channels
                if len(delivered) == len(channels):
                    break
                time.sleep(0.05)
            all_answered = time.perf_counter() - burst
        finally:
            server.stop()
            fake.stop()

    latencies = [seconds * 1000 for _, seconds, _ in results]
    ok = sum(1 for status, _, _ in results if status == 200)
    table = Table(title=f"Slack load: {args.events} concurrent signed message.im events", title_justify="left")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("server ready (healthz 200) after start", f"{ready:.1f} s")
    table.add_row("acked with HTTP 200", f"{ok}/{len(results)}")
    table.add_row("ack latency p50", f"{percentile(latencies, 50):.0f} ms")
    table.add_row("ack latency p99", f"{percentile(latencies, 99):.0f} ms")
    table.add_row("ack latency max", f"{max(latencies):.0f} ms")
    table.add_row("ack latency mean", f"{statistics.mean(latencies):.0f} ms")
    table.add_row("answers delivered", f"{len(delivered)}/{len(channels)}")
    table.add_row("time until all answers delivered", f"{all_answered:.2f} s" if len(delivered) == len(channels) else "timed out")
    console.print(table)
    return 0 if ok == len(results) and len(delivered) == len(channels) else 1


if __name__ == "__main__":
    sys.exit(main())
