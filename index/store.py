"""Build the clause index on disk and load it back, rebuilding when the policy text changes.

On disk (in the index directory): `manifest.json` (content hash of the policy files, model id,
dimensions, counts), `clauses.json` (clauses, policies and the text of every view),
`views.faiss` (one vector per view: a clause's text, its text in context, and each hint) and
`background.npy` (vectors of everyday topics that other policies cover, for abstention) and
`concepts.npy` (a vector for each vocabulary expansion, added to questions that use it).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import faiss
import numpy as np

from index.background import OTHER_TOPICS
from index.vocabulary import CONCEPTS
from index.clauses import draft_clauses, finish_clauses
from index.embedding import Embedder
from index.policy_file import PolicyFormatError, read_policy
from index.types import Clause, Force, PolicyInfo

log = logging.getLogger(__name__)

# Bump when chunking or view construction changes, so old indexes are rebuilt.
FORMAT_VERSION = 8

Progress = Callable[[str, int, int], None]  # (stage, done, total)


class OutOfDate(ValueError):
    """The index on disk was written in an older format."""


class IndexUnavailable(RuntimeError):
    """The index cannot be built (no policies, or a malformed policy file)."""


@dataclass(frozen=True)
class View:
    clause_index: int
    kind: str  # "text", "context" or "hint"
    text: str


@dataclass
class StoredIndex:
    clauses: list[Clause]
    policies: dict[str, PolicyInfo]
    views: list[View]
    vectors: faiss.Index
    manifest: dict
    background: np.ndarray  # one vector per topic in index.background.OTHER_TOPICS
    concepts: dict[str, np.ndarray]  # vocabulary expansion text -> its vector


def policy_files(policy_dir: Path) -> list[Path]:
    files = sorted(p for p in Path(policy_dir).glob("*.md") if p.name.lower() != "readme.md")
    if not files:
        raise IndexUnavailable(f"no policy files (*.md) in {policy_dir}")
    return files


def content_hash(files: list[Path]) -> str:
    digest = hashlib.sha256(f"format={FORMAT_VERSION}".encode())
    digest.update("\n".join(OTHER_TOPICS).encode())
    digest.update("\n".join(_expansions()).encode())
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def load_or_build(
    *, policy_dir: Path, index_dir: Path, embedder: Embedder, progress: Progress | None = None,
    force: bool = False,
) -> StoredIndex:
    """Load the index if it matches the policy text and model; otherwise (re)build it."""
    files = policy_files(policy_dir)
    wanted = content_hash(files)
    if not force:
        try:
            stored = _load(Path(index_dir))
            if stored.manifest.get("content_hash") == wanted and stored.manifest.get("model_id") == embedder.model_id:
                return stored
            log.info("policy text or model changed: rebuilding the index")
        except FileNotFoundError:
            log.info("no index at %s: building it", index_dir)
        except OutOfDate:
            log.info("index at %s was built by an older version: rebuilding it", index_dir)
        except Exception as exc:  # a corrupt or partial index is rebuilt, never trusted
            log.warning("index at %s is unreadable (%s): rebuilding it", index_dir, exc)
    return build(files=files, index_dir=Path(index_dir), embedder=embedder, progress=progress, digest=wanted)


def build(
    *, files: list[Path], index_dir: Path, embedder: Embedder, progress: Progress | None, digest: str
) -> StoredIndex:
    started = time.perf_counter()
    notify = progress or (lambda stage, done, total: None)
    documents = []
    for number, path in enumerate(files, start=1):
        notify("reading policies", number - 1, len(files))
        documents.append(read_policy(path))
    notify("reading policies", len(files), len(files))

    drafts_by_policy = [(doc, draft_clauses(doc)) for doc in documents]
    texts = [d.text for _, drafts in drafts_by_policy for d in drafts]
    notify("embedding clauses", 0, len(texts))
    text_vectors = embedder.encode(texts)
    position = {text: i for i, text in enumerate(texts)}

    def similarity(a: str, b: str) -> float:
        return float(text_vectors[position[a]] @ text_vectors[position[b]])

    clauses: list[Clause] = []
    policies: dict[str, PolicyInfo] = {}
    for doc, drafts in drafts_by_policy:
        policies[doc.policy_id] = policy_info(doc.policy_id, doc.metadata)
        clauses.extend(finish_clauses(drafts, doc.policy_id, similarity))

    views = clause_views(clauses, {pid: info.title for pid, info in policies.items()})
    vectors = np.zeros((len(views), embedder.dimensions), dtype=np.float32)
    pending = [i for i, v in enumerate(views) if v.kind != "text"]
    for i, view in enumerate(views):
        if view.kind == "text":
            vectors[i] = text_vectors[position[view.text]]
    batch = 8
    for start in range(0, len(pending), batch):
        chunk = pending[start : start + batch]
        vectors[chunk] = embedder.encode([views[i].text for i in chunk])
        notify("embedding views", min(start + batch, len(pending)), len(pending))
    faiss_index = faiss.IndexFlatIP(embedder.dimensions)
    faiss_index.add(vectors)
    background = embedder.encode(list(OTHER_TOPICS))
    expansions = _expansions()
    concepts = dict(zip(expansions, embedder.encode(expansions), strict=True))

    manifest = {
        "format_version": FORMAT_VERSION,
        "content_hash": digest,
        "model_id": embedder.model_id,
        "dimensions": embedder.dimensions,
        "policies": sorted(policies),
        "files": [p.name for p in files],
        "clauses": len(clauses),
        "views": len(views),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "build_seconds": round(time.perf_counter() - started, 3),
    }
    stored = StoredIndex(clauses=clauses, policies=policies, views=views, vectors=faiss_index, manifest=manifest,
                         background=background, concepts=concepts)
    _save(stored, index_dir)
    return stored


def _expansions() -> list[str]:
    return sorted({expansion for _, expansion in CONCEPTS})


def clause_views(clauses: list[Clause], titles: dict[str, str]) -> list[View]:
    """Several views of each clause: its words alone, its words in context (policy title,
    section heading, role and list lead-in, which resolve words like "such sites"), and each hint."""
    views: list[View] = []
    for i, clause in enumerate(clauses):
        views.append(View(i, "text", clause.text))
        parts = (f"{titles.get(clause.policy_id, '')}, {clause.heading}:", clause.context, clause.text)
        context = " ".join(p for p in parts if p)
        views.append(View(i, "context", context))
        views.extend(View(i, "hint", hint) for hint in clause.hints)
    return views


def policy_info(policy_id: str, metadata: dict) -> PolicyInfo:
    return PolicyInfo(
        id=policy_id,
        title=metadata["title"],
        owner=metadata["owner"],
        approved=metadata["approved"],
        review_date=metadata["review_date"],
        maintained_by=metadata.get("maintained_by") or "head_teacher",
    )


def _save(stored: StoredIndex, index_dir: Path) -> None:
    index_dir.mkdir(parents=True, exist_ok=True)
    payload = {
        "clauses": [_clause_record(c) for c in stored.clauses],
        "policies": {k: asdict(v) for k, v in stored.policies.items()},
        "views": [asdict(v) for v in stored.views],
    }
    # Write each file atomically and the manifest last: a crash mid-build leaves an index
    # whose manifest does not match, which is rebuilt on the next start.
    _atomic_write(index_dir / "manifest.json", b"{}")
    _atomic_write(index_dir / "clauses.json", json.dumps(payload, ensure_ascii=False).encode())
    _atomic_write(index_dir / "views.faiss", faiss.serialize_index(stored.vectors).tobytes())
    _atomic_write(index_dir / "background.npy", stored.background.astype(np.float32).tobytes())
    concept_matrix = np.stack([stored.concepts[e] for e in _expansions()]).astype(np.float32)
    _atomic_write(index_dir / "concepts.npy", concept_matrix.tobytes())
    _atomic_write(index_dir / "manifest.json", json.dumps(stored.manifest, indent=2).encode())


def _load(index_dir: Path) -> StoredIndex:
    manifest = json.loads((index_dir / "manifest.json").read_text())
    if manifest.get("format_version") != FORMAT_VERSION:
        raise OutOfDate(manifest.get("format_version"))
    payload = json.loads((index_dir / "clauses.json").read_text())
    vectors = faiss.deserialize_index(np.frombuffer((index_dir / "views.faiss").read_bytes(), dtype=np.uint8))
    clauses = [_clause_from_record(r) for r in payload["clauses"]]
    views = [View(**v) for v in payload["views"]]
    background = np.frombuffer((index_dir / "background.npy").read_bytes(), dtype=np.float32)
    if vectors.ntotal != len(views) or vectors.d != manifest.get("dimensions"):
        raise ValueError("index files disagree with each other")
    if background.size != len(OTHER_TOPICS) * vectors.d:
        raise ValueError("background vectors disagree with the index")
    expansions = _expansions()
    concept_matrix = np.frombuffer((index_dir / "concepts.npy").read_bytes(), dtype=np.float32)
    if concept_matrix.size != len(expansions) * vectors.d:
        raise ValueError("concept vectors disagree with the vocabulary")
    concepts = dict(zip(expansions, concept_matrix.reshape(len(expansions), vectors.d), strict=True))
    policies = {k: PolicyInfo(**v) for k, v in payload["policies"].items()}
    return StoredIndex(clauses=clauses, policies=policies, views=views, vectors=vectors, manifest=manifest,
                       background=background.reshape(len(OTHER_TOPICS), vectors.d), concepts=concepts)


def _clause_record(clause: Clause) -> dict:
    record = asdict(clause)
    record["force"] = clause.force.value
    return record


def _clause_from_record(record: dict) -> Clause:
    record = dict(record)
    record["force"] = Force(record["force"])
    record["hints"] = tuple(record["hints"])
    record["qualifiers"] = tuple(record["qualifiers"])
    return Clause(**record)


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


__all__ = ["IndexUnavailable", "PolicyFormatError", "StoredIndex", "View", "load_or_build"]
