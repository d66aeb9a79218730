"""The index on disk follows the policy text: changes rebuild it, damage rebuilds it, nothing stale is served."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from index.search import PolicyIndex
from index.store import IndexUnavailable


class Stages:
    """A progress callback that remembers which build stages ran."""

    def __init__(self):
        self.seen: list[tuple[str, int, int]] = []

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.seen.append((stage, done, total))

    @property
    def built(self) -> bool:
        return bool(self.seen)


def load(policy_dir: Path, index_dir: Path, embedder, **kwargs) -> tuple[PolicyIndex, Stages]:
    stages = Stages()
    index = PolicyIndex.load(policy_dir=policy_dir, index_dir=index_dir, embedder=embedder, progress=stages,
                             **kwargs)
    return index, stages


def manifest(index_dir: Path) -> dict:
    return json.loads((index_dir / "manifest.json").read_text())


@pytest.fixture(scope="module")
def first_build(tmp_path_factory, embedder):
    """One real build from scratch; each test starts from a copy of its files."""
    from bot.settings import DEFAULT_POLICY_DIR

    index_dir = tmp_path_factory.mktemp("first-build")
    index, stages = load(DEFAULT_POLICY_DIR, index_dir, embedder)
    return index_dir, index, stages


@pytest.fixture
def built(first_build, policy_copy, tmp_path):
    source, index, _ = first_build
    index_dir = tmp_path / "index"
    shutil.copytree(source, index_dir)
    return policy_copy, index_dir, index


def test_an_unchanged_index_is_loaded_not_rebuilt(built, embedder):
    policy_dir, index_dir, first = built
    again, stages = load(policy_dir, index_dir, embedder)
    assert not stages.built
    assert [(c.id, c.text, c.qualifiers) for c in again.clauses] == [(c.id, c.text, c.qualifiers) for c in first.clauses]
    assert again.stored.vectors.ntotal == first.stored.vectors.ntotal


def test_build_reports_its_stages_with_totals(first_build):
    index_dir, _, stages = first_build
    assert stages.built
    names = [s for s, _, _ in stages.seen]
    assert "reading policies" in names and "embedding views" in names
    for stage in set(names):
        last = [(done, total) for s, done, total in stages.seen if s == stage][-1]
        assert 0 <= last[0] <= last[1]
    assert manifest(index_dir)["build_seconds"] > 0


def test_edited_policy_text_rebuilds_and_new_words_are_searchable(built, embedder):
    policy_dir, index_dir, _ = built
    old_hash = manifest(index_dir)["content_hash"]
    path = policy_dir / "social_networking_policy.md"
    source = path.read_text(encoding="utf-8")
    # A site nobody has asked about yet (not in the question bank, not a word the model knows).
    path.write_text(source.replace("Blogs (e.g., Blogger, LiveJournal, Xanga)",
                                   "Blogs (e.g., Blogger, LiveJournal, Xanga, Quillpad journals)"), encoding="utf-8")

    index, stages = load(policy_dir, index_dir, embedder)
    assert stages.built
    assert manifest(index_dir)["content_hash"] != old_hash
    answer = index.ask("does keeping a Quillpad journal count?")
    assert answer.answered and "Quillpad" in answer.ranked[0].clause.text


@pytest.mark.parametrize("damage", ["corrupt views.faiss", "delete manifest", "truncate clauses"])
def test_a_damaged_index_is_rebuilt(built, embedder, damage):
    policy_dir, index_dir, first = built
    if damage == "corrupt views.faiss":
        (index_dir / "views.faiss").write_bytes(b"\x00not a faiss index" * 10)
    elif damage == "delete manifest":
        (index_dir / "manifest.json").unlink()
    else:
        data = (index_dir / "clauses.json").read_bytes()
        (index_dir / "clauses.json").write_bytes(data[: len(data) // 2])

    index, stages = load(policy_dir, index_dir, embedder)
    assert stages.built
    assert [c.id for c in index.clauses] == [c.id for c in first.clauses]
    assert index.ask("can I post photos of pupils online?").ranked  # searchable again
    _, stages = load(policy_dir, index_dir, embedder)
    assert not stages.built  # and the rebuilt files are good


def test_a_policy_folder_without_policies_is_a_clear_error(tmp_path, embedder):
    (tmp_path / "policies").mkdir()
    with pytest.raises(IndexUnavailable, match="no policy files"):
        load(tmp_path / "policies", tmp_path / "index", embedder)
