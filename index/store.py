"""Build the clause index on disk and load it back, rebuilding when anything it was built from changes.

Built from, per policy in the folder: `<policy>.md` (the text), `<policy>.bank.md` (its question
bank) and `<policy>.search.yml` (its subject words, other topics, roles); plus the general school
vocabulary and the general off-topic examples. On disk (the index directory): `manifest.json`
(content hash, model id, dimensions, counts, the banks' problems), `clauses.json` (clauses,
policies, views), `views.faiss` (one vector per view of a clause), `background.npy` (other
topics, for abstention without a bank), `concepts.npy` (a vector per vocabulary expansion), and,
when there is a bank, `classifier.npz` (what was learnt from it) and `bank.npz` (the bank's
questions as features, with their labels and authors, for leave-one-author-out evaluation).
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import faiss
import numpy as np

from index import learner
from index.bank import Bank, bank_path, read_bank
from index.clauses import draft_clauses, finish_clauses
from index.embedding import Embedder
from index.policy_data import SearchData, data_path, read_search_data
from index.policy_file import PolicyFormatError, read_policy
from index.query import QueryReader
from index.text import Concepts, SpellFixer, clean, words
from index.types import Clause, Force, PolicyInfo
from index.vocabulary import SETTING_CONCEPTS

log = logging.getLogger(__name__)

# Bump when chunking, views or what is learnt change, so old indexes are rebuilt.
FORMAT_VERSION = 9
BANK_SUFFIX = ".bank.md"
OFF_TOPIC_FILE = Path(__file__).resolve().parent / "data" / "off_topic.txt"
CLASSIFIER_STRENGTH = 16.0  # inverse regularisation, chosen by leave-one-author-out on the bank

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
class Learnt:
    """What was learnt from the banks, and the bank itself as features (for evaluation)."""

    classifier: learner.Classifier
    features: np.ndarray       # one row per bank question (and off-topic example)
    labels: list[str]          # its class
    authors: list[str]         # who wrote it ("" for the policy's own words)
    questions: list[str]


@dataclass
class StoredIndex:
    clauses: list[Clause]
    policies: dict[str, PolicyInfo]
    views: list[View]
    vectors: faiss.Index
    manifest: dict
    background: np.ndarray  # one vector per topic other policies cover
    concepts: dict[str, np.ndarray]  # vocabulary expansion text -> its vector
    data: SearchData = field(default_factory=SearchData)
    learnt: Learnt | None = None

    @property
    def problems(self) -> list[str]:
        return list(self.manifest.get("bank_problems") or ())


def policy_files(policy_dir: Path) -> list[Path]:
    """The policies: every `*.md` but README.md and the policies' question banks (`*.bank.md`)."""
    files = sorted(p for p in Path(policy_dir).glob("*.md")
                   if p.name.lower() != "readme.md" and not p.name.endswith(BANK_SUFFIX))
    if not files:
        raise IndexUnavailable(f"no policy files (*.md) in {policy_dir}")
    return files


def source_files(files: list[Path]) -> list[Path]:
    """Everything an index is built from, besides code: policies, banks, search data."""
    found = []
    for path in files:
        found += [p for p in (path, bank_path(path), data_path(path)) if p.exists()]
    return found + [OFF_TOPIC_FILE]


def content_hash(files: list[Path]) -> str:
    from index import vocabulary

    digest = hashlib.sha256(f"format={FORMAT_VERSION}".encode())
    digest.update(repr((vocabulary.SETTING_CONCEPTS, sorted(vocabulary.STOPWORDS))).encode())
    for path in source_files(files):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def load_or_build(
    *, policy_dir: Path, index_dir: Path, embedder: Embedder, progress: Progress | None = None,
    force: bool = False,
) -> StoredIndex:
    """Load the index if it matches the policy files and model; otherwise (re)build it."""
    files = policy_files(policy_dir)
    wanted = content_hash(files)
    if not force:
        try:
            stored = _load(Path(index_dir), files)
            if stored.manifest.get("content_hash") == wanted and stored.manifest.get("model_id") == embedder.model_id:
                return stored
            log.info("policy files or model changed: rebuilding the index")
        except FileNotFoundError:
            log.info("no index at %s: building it", index_dir)
        except OutOfDate:
            log.info("index at %s was built by an older version: rebuilding it", index_dir)
        except Exception as exc:  # a corrupt or partial index is rebuilt, never trusted
            log.warning("index at %s is unreadable (%s): rebuilding it", index_dir, exc)
    return build(files=files, index_dir=Path(index_dir), embedder=embedder, progress=progress, digest=wanted)


def search_data(files: list[Path]) -> SearchData:
    merged = SearchData()
    for path in files:
        merged = merged.merged(read_search_data(data_path(path)))
    return merged


def reader_for(clauses: list[Clause], data: SearchData, embedder: Embedder,
               concept_vectors: dict[str, np.ndarray], *, use_hints: bool = True) -> QueryReader:
    """How questions are read for these clauses: the spell fixer knows the policies' own words."""
    concepts = Concepts(SETTING_CONCEPTS, list(data.subject))
    lexical = (" ".join((c.heading, c.group, c.text, " ".join(c.hints) if use_hints else "")) for c in clauses)
    policy_words = {w for text in lexical for w in words(text)}
    speller = SpellFixer(embedder.vocabulary | concepts.words, policy_words | concepts.words)
    return QueryReader(embedder=embedder, concepts=concepts, concept_vectors=concept_vectors, speller=speller)


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
    data = search_data(files)

    with embedder.threads_for_building():
        drafts_by_policy = [(doc, draft_clauses(doc)) for doc in documents]
        texts = [d.text for _, drafts in drafts_by_policy for d in drafts]
        notify("embedding clauses", 0, len(texts))
        embedder.learn_known(_cached_embeddings(index_dir, embedder))
        text_vectors = embedder.remembered(texts)
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
        if pending:
            vectors[pending] = embedder.remembered([views[i].text for i in pending],
                                                   progress=lambda d, t: notify("embedding views", d, t))
        faiss_index = faiss.IndexFlatIP(embedder.dimensions)
        faiss_index.add(vectors)
        background = embedder.remembered(list(data.other_topics))
        expansions = Concepts(SETTING_CONCEPTS, list(data.subject)).expansions
        concepts = dict(zip(expansions, embedder.remembered(expansions), strict=True))

        banks = [(doc.policy_id, read_bank(bank_path(path), [c for c in clauses if c.policy_id == doc.policy_id]))
                 for path, doc in zip(files, documents, strict=True)]
        problems = [str(p) for _, bank in banks for p in bank.problems]
        for problem in problems:
            log.warning("question bank: %s", problem)
        reader = reader_for(clauses, data, embedder, concepts)
        learnt = _learn(banks, clauses, views, vectors, reader, notify) if any(b.questions for _, b in banks) else None

    manifest = {
        "format_version": FORMAT_VERSION,
        "content_hash": digest,
        "model_id": embedder.model_id,
        "dimensions": embedder.dimensions,
        "policies": sorted(policies),
        "files": [p.name for p in files],
        "clauses": len(clauses),
        "views": len(views),
        "bank_questions": sum(len(b.covered) for _, b in banks),
        "bank_not_covered": sum(len(b.not_covered) for _, b in banks),
        "bank_authors": sorted({a for _, b in banks for a in b.authors}),
        "bank_problems": problems,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "build_seconds": round(time.perf_counter() - started, 3),
    }
    stored = StoredIndex(clauses=clauses, policies=policies, views=views, vectors=faiss_index, manifest=manifest,
                         background=background, concepts=concepts, data=data, learnt=learnt)
    _save(stored, index_dir)
    _save_embeddings(index_dir, embedder)
    return stored


_EMBEDDINGS = "embeddings.npz"  # text -> vector, so a rebuild re-encodes only what changed


def _cached_embeddings(index_dir: Path, embedder: Embedder) -> dict[str, np.ndarray]:
    try:
        with np.load(index_dir / _EMBEDDINGS) as arrays:
            if str(arrays["model"]) != embedder.model_id:
                return {}
            return dict(zip((str(t) for t in arrays["texts"]), arrays["vectors"], strict=True))
    except (OSError, KeyError, ValueError):
        return {}  # none yet, or unreadable: everything is encoded afresh


def _save_embeddings(index_dir: Path, embedder: Embedder) -> None:
    known = embedder.known()
    if known:
        _atomic_write(index_dir / _EMBEDDINGS, _npz({"model": np.array(embedder.model_id), "texts": np.array(list(known)),
                                                     "vectors": np.stack(list(known.values())).astype(np.float32)}))

def clause_key(clause: Clause) -> str:
    return f"{clause.policy_id}/{clause.id}"


def _learn(banks: list[tuple[str, Bank]], clauses: list[Clause], views: list[View], vectors: np.ndarray,
           reader: QueryReader, notify: Progress) -> Learnt:
    """Train the classifier on the banks, the clauses' own words and hints, and off-topic chat."""
    questions, labels, authors = [], [], []
    for policy_id, bank in banks:
        for q in bank.questions:
            questions.append(q.question)
            labels.append(learner.NOT_COVERED if q.clause_id is None else f"{policy_id}/{q.clause_id}")
            authors.append(q.author)
    off_topic = [line.strip() for line in OFF_TOPIC_FILE.read_text(encoding="utf-8").splitlines()
                 if line.strip() and not line.startswith("#")]
    questions += off_topic
    labels += [learner.OFF_TOPIC] * len(off_topic)
    authors += ["off-topic"] * len(off_topic)
    read = [reader.read(clean(q)) for q in questions]
    found = reader.vectors_many(read, progress=lambda done, total: notify("learning from the question bank", done, total))
    X = np.stack([learner.features(v.plain, v.expanded, v.asking) for v in found])
    # The policy's own words teach too: each clause's text and its hints stand for it.
    own = [i for i, v in enumerate(views) if v.kind in ("text", "hint")]
    X_own = np.stack([learner.features(vectors[i], vectors[i], None) for i in own])
    y_own = [clause_key(clauses[views[i].clause_index]) for i in own]
    classifier = learner.train(np.vstack([X, X_own]), labels + y_own, strength=CLASSIFIER_STRENGTH)
    return Learnt(classifier=classifier, features=X, labels=labels, authors=authors, questions=questions)


def own_words_features(stored: StoredIndex) -> tuple[np.ndarray, list[str]]:
    """The clauses' texts and hints as training rows (for retraining, e.g. leave-one-author-out)."""
    vectors = stored.vectors.reconstruct_n(0, stored.vectors.ntotal)
    own = [i for i, v in enumerate(stored.views) if v.kind in ("text", "hint")]
    X = np.stack([learner.features(vectors[i], vectors[i], None) for i in own])
    return X, [clause_key(stored.clauses[stored.views[i].clause_index]) for i in own]


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


def _npz(arrays: dict[str, np.ndarray]) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


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
    _atomic_write(index_dir / "background.npy", _npz({"vectors": stored.background.astype(np.float32)}))
    expansions = sorted(stored.concepts)
    concept_matrix = np.stack([stored.concepts[e] for e in expansions]).astype(np.float32)
    _atomic_write(index_dir / "concepts.npy", _npz({"vectors": concept_matrix, "names": np.array(expansions)}))
    for name in ("classifier.npz", "bank.npz"):
        (index_dir / name).unlink(missing_ok=True)
    if stored.learnt is not None:
        learnt = stored.learnt
        _atomic_write(index_dir / "classifier.npz", _npz(learnt.classifier.to_arrays()))
        _atomic_write(index_dir / "bank.npz", _npz({
            "features": learnt.features.astype(np.float32), "labels": np.array(learnt.labels),
            "authors": np.array(learnt.authors), "questions": np.array(learnt.questions)}))
    _atomic_write(index_dir / "manifest.json", json.dumps(stored.manifest, indent=2).encode())


def _load(index_dir: Path, files: list[Path]) -> StoredIndex:
    manifest = json.loads((index_dir / "manifest.json").read_text())
    if manifest.get("format_version") != FORMAT_VERSION:
        raise OutOfDate(manifest.get("format_version"))
    payload = json.loads((index_dir / "clauses.json").read_text())
    vectors = faiss.deserialize_index(np.frombuffer((index_dir / "views.faiss").read_bytes(), dtype=np.uint8))
    clauses = [_clause_from_record(r) for r in payload["clauses"]]
    views = [View(**v) for v in payload["views"]]
    if vectors.ntotal != len(views) or vectors.d != manifest.get("dimensions"):
        raise ValueError("index files disagree with each other")
    with np.load(index_dir / "background.npy") as arrays:
        background = arrays["vectors"]
    with np.load(index_dir / "concepts.npy") as arrays:
        concepts = dict(zip((str(n) for n in arrays["names"]), arrays["vectors"], strict=True))
    learnt = None
    if (index_dir / "classifier.npz").exists():
        with np.load(index_dir / "classifier.npz") as arrays:
            classifier = learner.Classifier.from_arrays(arrays)
        with np.load(index_dir / "bank.npz") as arrays:
            learnt = Learnt(classifier=classifier, features=arrays["features"],
                            labels=[str(x) for x in arrays["labels"]], authors=[str(x) for x in arrays["authors"]],
                            questions=[str(x) for x in arrays["questions"]])
    policies = {k: PolicyInfo(**v) for k, v in payload["policies"].items()}
    return StoredIndex(clauses=clauses, policies=policies, views=views, vectors=vectors, manifest=manifest,
                       background=background, concepts=concepts, data=search_data(files), learnt=learnt)


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
