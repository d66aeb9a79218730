"""Benchmark answering: warm latency against the bare model, cold start, index build, memory.

    .venv/bin/python benchmarks/bench_ask.py [--questions N] [--out FILE] [--profile]

Not a test: it prints a Markdown table and writes JSON (default benchmarks/results/latest.json).
Questions are the development set's plus ones composed from templates (seeded, so every run asks
the same ones). Latency is measured in this process after a warm-up; cold start runs the
installed `policybot` console script in a fresh process, once against a built index and once
into an empty index folder (so it includes the build).

Targets: warm ask p50 <= 1.3x bare encode p50, warm ask p95 <= 20 ms, peak RSS <= 600 MiB,
index build with the question bank from nothing <= 15 s.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import random
import resource
import statistics
import subprocess
import sys
import shutil
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch  # noqa: E402

DEFAULT_TORCH_THREADS = torch.get_num_threads()  # before the CLI's loader changes it

from bot.commands._index_loader import shared_embedder  # noqa: E402
from bot.settings import DEFAULT_POLICY_DIR  # noqa: E402
from index.search import PolicyIndex  # noqa: E402

DEV_QUESTIONS = Path("/work/shared/eval/dev_questions.jsonl")
POLICYBOT = REPO / ".venv" / "bin" / "policybot"
TARGETS = {"ratio_p50": 1.3, "ask_p95_ms": 20.0, "rss_mib": 600.0, "build_s": 15.0}
COLD_QUESTION = "can I friend a parent who is my cousin?"

# ------------------------------------------------------------------ questions
PEOPLE = ["a pupil's mum", "a parent from my class", "my niece, who is in Reception", "a former pupil",
          "the dad of a child in my key group", "a pupil's older sister", "a governor", "my line manager",
          "a supply teacher", "a parent I know from the gym"]
PLATFORMS = ["Facebook", "Instagram", "TikTok", "Twitter", "X", "Snapchat", "LinkedIn", "YouTube", "my blog",
             "WhatsApp", "Threads"]
CONTENT = ["photos of the children", "a video from sports day", "pictures from the nursery trip",
           "a selfie with my class", "the school logo", "a picture of my classroom display",
           "a post about a difficult parent", "something about a colleague", "my opinion about the head",
           "details of a child's behaviour", "the nativity play", "a review of the nursery"]
WHEN = ["on my lunch break", "during nap time", "on my phone in the staff room", "on the office computer",
        "on a school iPad at home", "while I'm on shift", "after work on my own laptop", "at the weekend"]
TEMPLATES = [
    "Can I accept a friend request from {person}?",
    "Is it ok to follow {person} on {platform}?",
    "am i allowed to add {person} on {platform}",
    "Can I post {content} on {platform}?",
    "is it against the rules to share {content} on {platform}?",
    "Can I check {platform} {when}?",
    "what about using {platform} {when}?",
    "I saw {person} posted {content} on {platform} - what should I do?",
    "{person} sent me a message on {platform}, can I reply?",
    "Do I need to tell anyone if I put {content} on {platform}?",
]
FIXED = [
    "what happens if I break the social media policy?", "could I be sacked for a facebook post?",
    "does the policy cover agency staff?", "who reviews this policy?", "when is the policy due for review?",
    "should my instagram be private?", "can I say where I work on my profile?",
    "a child wrote something nasty about me online, who do I tell?", "can I use linkedin for work?",
    "is whatsapp social media?", "do governors have to follow this policy too?",
    "can I moan about work on twitter?", "where do I raise a grievance?",
    "are blogs included?", "what should managers do about the policy?",
    # clearly out of scope: the abstention path costs time too
    "how do I claim mileage?", "what time does the kitchen close?", "how much annual leave do I get?",
    "who do I ring if the boiler breaks?", "can I park in the staff car park at weekends?",
    "what's the fire drill procedure?", "how do I book the minibus?", "when is the next INSET day?",
    "hello", "thanks!", "",
]


def questions(count: int) -> list[str]:
    rng = random.Random(20261125)
    found: list[str] = []
    if DEV_QUESTIONS.exists():
        found += [json.loads(line)["q"] for line in DEV_QUESTIONS.read_text(encoding="utf-8").splitlines()
                  if line.strip()]
    found += FIXED
    seen = set(found)
    attempts = 0
    while len(found) < count and attempts < count * 50:
        attempts += 1
        template = rng.choice(TEMPLATES)
        q = template.format(person=rng.choice(PEOPLE), platform=rng.choice(PLATFORMS), content=rng.choice(CONTENT),
                            when=rng.choice(WHEN))
        q = q[0].upper() + q[1:] if rng.random() < 0.7 else q.lower()
        if q not in seen:
            seen.add(q)
            found.append(q)
    rng.shuffle(found)
    return found[:count]


# ------------------------------------------------------------------ measuring
def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary_ms(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {"n": len(ms), "p50": round(percentile(ms, 0.5), 3), "p95": round(percentile(ms, 0.95), 3),
            "mean": round(statistics.fmean(ms), 3), "max": round(max(ms), 3)}


def latency(index: PolicyIndex, qs: list[str], rounds: int = 2) -> dict:
    """Warm ask and bare encode of the same questions, alternating question by question so that
    both see the same conditions (this box is shared: a burst of load must not hit only one)."""
    for q in qs[:25]:  # warm-up: caches, allocator, lazy imports
        index.ask(q)
        index.embedder.encode_one(q)
    ask_times: list[float] = []
    encode_times: list[float] = []
    clock = time.perf_counter
    for _ in range(rounds):
        for q in qs:
            start = clock()
            index.ask(q)
            middle = clock()
            index.embedder.encode_one(q)
            ask_times.append(middle - start)
            encode_times.append(clock() - middle)
    ask, encode = summary_ms(ask_times), summary_ms(encode_times)
    return {"ask": ask, "encode_one": encode, "ratio_p50": round(ask["p50"] / encode["p50"], 3),
            "ratio_mean": round(ask["mean"] / encode["mean"], 3)}


# Runs a command and reports its own peak RSS. It is a separate small process on purpose: Linux
# carries a parent's RSS at fork time into the child's ru_maxrss, so a child forked straight from
# this (large) benchmark would report the benchmark's memory, not its own.
_LAUNCHER = """
import json, os, subprocess, sys, tempfile, time
with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
    start = time.perf_counter()
    proc = subprocess.Popen(sys.argv[1:], stdout=out, stderr=err)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    out.seek(0); err.seek(0)
    print(json.dumps({"seconds": wall, "exit": os.waitstatus_to_exitcode(status), "rss_kib": usage.ru_maxrss,
                      "stdout": out.read().decode(errors="replace"), "stderr": err.read().decode(errors="replace")}))
"""


def cold_start(index_dir: Path) -> dict:
    """The console script in a fresh process: wall time to the answer and that process's peak RSS."""
    env = {**os.environ, "POLICYBOT_INDEX_DIR": str(index_dir)}
    done = subprocess.run([sys.executable, "-c", _LAUNCHER, str(POLICYBOT), "ask", "--json", COLD_QUESTION],
                          capture_output=True, text=True, env=env, cwd=REPO, check=True)
    run = json.loads(done.stdout)
    try:
        answered = json.loads(run["stdout"].strip().splitlines()[-1])["answered"]
    except (ValueError, IndexError, KeyError):
        answered = None
    return {"seconds": round(run["seconds"], 3), "exit": run["exit"], "answered": answered,
            "rss_mib": round(run["rss_kib"] / 1024, 1), **({"stderr": run["stderr"][-300:]} if run["exit"] else {})}


def index_build(embedder, index_dir: Path, repeats: int = 3) -> dict:
    seconds, manifest_seconds = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        index = PolicyIndex.load(policy_dir=DEFAULT_POLICY_DIR, index_dir=index_dir, embedder=embedder, rebuild=True)
        seconds.append(time.perf_counter() - start)
        manifest_seconds.append(index.stored.manifest["build_seconds"])
    return {"load_rebuild_s": [round(s, 3) for s in seconds], "load_rebuild_median_s": round(statistics.median(seconds), 3),
            "manifest_build_seconds": manifest_seconds, "clauses": index.stored.manifest["clauses"],
            "views": index.stored.manifest["views"]}


def profile_asks(index: PolicyIndex, qs: list[str], top: int = 25) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for q in qs:
        index.ask(q)
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(top)
    stream.write("\n--- by own time ---\n")
    pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(top)
    return stream.getvalue()


# ------------------------------------------------------------------ report
def markdown(result: dict) -> str:
    lat, lat_default = result["warm"], result.get("warm_default_threads")
    rows = [
        ("warm ask p50 / p95 / mean (ms)", f"{lat['ask']['p50']:.2f} / {lat['ask']['p95']:.2f} / {lat['ask']['mean']:.2f}",
         f"p95 <= {TARGETS['ask_p95_ms']:.0f} ms", lat["ask"]["p95"] <= TARGETS["ask_p95_ms"]),
        ("bare encode_one p50 / p95 (ms)", f"{lat['encode_one']['p50']:.2f} / {lat['encode_one']['p95']:.2f}", "", None),
        ("ratio ask p50 / encode p50", f"{lat['ratio_p50']:.2f}", f"<= {TARGETS['ratio_p50']}",
         lat["ratio_p50"] <= TARGETS["ratio_p50"]),
    ]
    if lat_default:
        rows.append((f"warm ask p50 / p95, torch default {result['torch_threads_default']} threads (ms)",
                     f"{lat_default['ask']['p50']:.2f} / {lat_default['ask']['p95']:.2f} "
                     f"(encode p50 {lat_default['encode_one']['p50']:.2f}, ratio {lat_default['ratio_p50']:.2f})", "", None))
    cold, cold_build = result["cold_start"], result["cold_start_with_build"]
    rows += [
        ("cold start to first answer, built index (s)", f"{cold['median_s']:.2f} (runs {cold['runs_s']})", "", None),
        ("cold start incl. index build (s)", f"{cold_build['seconds']:.2f}", "", None),
        ("index build from nothing, model loaded (s)", f"{cold_build['build_seconds']:.2f}",
         f"<= {TARGETS['build_s']:.0f}", cold_build["build_seconds"] <= TARGETS["build_s"]),
        ("index build in-process, model loaded (s)",
         f"{result['build']['load_rebuild_median_s']:.2f} (manifest build_seconds {result['build']['manifest_build_seconds']})",
         "", None),
        ("peak RSS, cold-start process answering from a built index (MiB)", f"{cold['rss_mib']:.0f}",
         f"<= {TARGETS['rss_mib']:.0f}", cold["rss_mib"] <= TARGETS["rss_mib"]),
        ("peak RSS, cold-start process that builds the index first (MiB)", f"{cold_build['rss_mib']:.0f}",
         f"<= {TARGETS['rss_mib']:.0f}", cold_build["rss_mib"] <= TARGETS["rss_mib"]),
        ("peak RSS, benchmark process (MiB)", f"{result['benchmark_rss_mib']:.0f}", "", None),
    ]
    lines = ["| measure | value | target | met |", "|---|---|---|---|"]
    for name, value, target, met in rows:
        lines.append(f"| {name} | {value} | {target} | {'' if met is None else ('yes' if met else '**no**')} |")
    env = result["environment"]
    lines.append("")
    lines.append(f"{result['questions']} questions; {env['cpus']} CPUs; torch {env['torch']} "
                 f"({result['torch_threads']} thread(s) as the CLI sets); load average {env['load_before']} before, "
                 f"{env['load_after']} after.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=240, help="how many questions (>= 200 recommended)")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "latest.json")
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of the warm asks")
    args = parser.parse_args(argv)

    qs = questions(args.questions)
    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="policybot-bench-"))
    built_dir = work / "index"

    start = time.perf_counter()
    embedder = shared_embedder()
    index = PolicyIndex.load(policy_dir=DEFAULT_POLICY_DIR, index_dir=built_dir, embedder=embedder)
    first_load = time.perf_counter() - start
    print(f"model + index ready in {first_load:.1f} s; {len(qs)} questions", file=sys.stderr)

    warm = latency(index, qs)
    print(f"warm: ask p50 {warm['ask']['p50']} ms, encode p50 {warm['encode_one']['p50']} ms", file=sys.stderr)
    threads = torch.get_num_threads()
    warm_default = None
    if DEFAULT_TORCH_THREADS != threads:
        torch.set_num_threads(DEFAULT_TORCH_THREADS)
        warm_default = latency(index, qs[:120], rounds=1)
        torch.set_num_threads(threads)
        print(f"warm ({DEFAULT_TORCH_THREADS} threads): ask p50 {warm_default['ask']['p50']} ms", file=sys.stderr)

    build = index_build(embedder, work / "rebuild")
    print(f"build: {build['load_rebuild_median_s']} s", file=sys.stderr)

    runs = [cold_start(built_dir) for _ in range(max(1, args.cold_runs))]
    cold = {"runs_s": [r["seconds"] for r in runs], "median_s": round(statistics.median(r["seconds"] for r in runs), 3),
            "rss_mib": max(r["rss_mib"] for r in runs), "all_answered": all(r["answered"] for r in runs),
            "exits": [r["exit"] for r in runs]}
    print(f"cold start: {cold['runs_s']} s", file=sys.stderr)
    cold_build = cold_start(work / "empty-index")
    # The build alone, from nothing (no embeddings remembered): what `policybot index build` takes
    # on a fresh install, model loading excluded.
    cold_build["build_seconds"] = json.loads((work / "empty-index" / "manifest.json").read_text())["build_seconds"]
    print(f"cold start with build: {cold_build['seconds']} s", file=sys.stderr)

    result = {
        "questions": len(qs),
        "torch_threads": threads,
        "torch_threads_default": DEFAULT_TORCH_THREADS,
        "model_and_index_first_load_s": round(first_load, 3),
        "warm": warm,
        "warm_default_threads": warm_default,
        "build": build,
        "cold_start": cold,
        "cold_start_with_build": cold_build,
        "benchmark_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "targets": TARGETS,
        "environment": {"python": platform.python_version(), "torch": torch.__version__, "cpus": os.cpu_count(),
                        "load_before": [round(x, 2) for x in load_before],
                        "load_after": [round(x, 2) for x in os.getloadavg()],
                        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
    }
    result["met"] = {
        "ratio_p50": warm["ratio_p50"] <= TARGETS["ratio_p50"],
        "ask_p95_ms": warm["ask"]["p95"] <= TARGETS["ask_p95_ms"],
        "rss_mib": cold["rss_mib"] <= TARGETS["rss_mib"],
        "rss_mib_with_build": cold_build["rss_mib"] <= TARGETS["rss_mib"],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(markdown(result))
    print(f"\nJSON: {args.out}")
    if args.profile:
        print("\n```\n" + profile_asks(index, qs) + "\n```")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
