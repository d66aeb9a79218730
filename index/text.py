"""Turn messy chat text into something searchable: clean it, stem it, fix typos, name its concepts."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import Stemmer
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from index.types import SmallTalk
from index.vocabulary import SCHOOL_WORDS, SMALL_TALK, STOPWORDS

MAX_QUESTION_CHARS = 4000  # the same limit the chat core applies

_stemmer = Stemmer.Stemmer("english")
_WORD = re.compile(r"[a-z0-9]+(?:[-/][a-z0-9]+)*")
_SLACK_MARKUP = re.compile(r"<([@#!][^>|]*)(?:\|([^>]*))?>")


def clean(text: str) -> str:
    """Normalise Unicode, drop control characters and chat markup, collapse white space."""
    text = unicodedata.normalize("NFKC", text or "")
    # Slack encodes mentions as <@U123>, <#C1|name>, <!channel>: keep a readable label only.
    text = _SLACK_MARKUP.sub(lambda m: m.group(2) or "", text)
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = text.replace("’", "'").replace("‘", "'")
    return " ".join(text.split())


def words(text: str) -> list[str]:
    """Lower-case words; possessives and apostrophes folded ("pupil's" -> "pupil", "don't" -> "dont")."""
    text = text.lower().replace("'s ", " ").replace("'", "")
    found: list[str] = []
    for token in _WORD.findall(text):
        found.append(token)
        if "-" in token or "/" in token:
            found.extend(part for part in re.split(r"[-/]", token) if part)
    return found


def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def content_stems(text: str) -> list[str]:
    return [stem(w) for w in words(text) if w not in STOPWORDS]


_THANKS = frozenset("thanks thank thankyou thx ta cheers appreciated appreciate".split())
_HELP = frozenset("help".split())


def small_talk(text: str) -> SmallTalk | None:
    """GREETING, THANKS or HELP when the message is only pleasantries; None for anything else."""
    tokens = words(text)
    if not tokens or not all(t in SMALL_TALK for t in tokens):
        return None
    if any(t in _HELP for t in tokens):
        return SmallTalk.HELP
    if any(t in _THANKS for t in tokens):
        return SmallTalk.THANKS
    return SmallTalk.GREETING


@dataclass(frozen=True)
class Concept:
    triggers: tuple[tuple[str, ...], ...]  # stemmed word sequences
    expansion: str
    subject: bool  # names a policy's subject, so the question is in scope


class Concepts:
    """Everyday phrasings recognised in a question, each with its policy-language expansion.

    Built from the general school vocabulary (`index.vocabulary`) and each policy's own subject
    words (its `.search.yml`), so a new policy brings its subject as data, not code."""

    def __init__(self, setting: list[tuple[tuple[str, ...], str]], subject: list[tuple[tuple[str, ...], str]]):
        self.all: list[Concept] = []
        for entries, is_subject in ((setting, False), (subject, True)):
            for triggers, expansion in entries:
                stems = tuple(tuple(stem(w) for w in words(t)) for t in triggers)
                self.all.append(Concept(tuple(s for s in stems if s), expansion, is_subject))
        self._table: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        for number, concept in enumerate(self.all):
            for trigger in concept.triggers:
                self._table.setdefault(trigger[0], []).append((trigger, number))
        for found in self._table.values():
            found.sort(key=lambda entry: -len(entry[0]))  # longest triggers first
        self._words = {w for entries in (setting, subject) for triggers, expansion in entries
                       for t in (*triggers, expansion) for w in words(t)}

    @property
    def expansions(self) -> list[str]:
        return sorted({c.expansion for c in self.all})

    @property
    def words(self) -> set[str]:
        """Every word of the vocabulary (real words, for the spell fixer)."""
        return self._words

    def spans(self, stems: list[str]) -> list[tuple[int, int, Concept]]:
        """(start, end, concept) for every everyday phrasing found in the (stemmed) question."""
        found = []
        for start, first in enumerate(stems):
            for trigger, number in self._table.get(first, ()):
                end = start + len(trigger)
                if tuple(stems[start:end]) == trigger:
                    found.append((start, end, self.all[number]))
        return found

    def matched(self, stems: list[str]) -> list[Concept]:
        """Concepts whose everyday phrasings occur in the question, each once, in concept order."""
        found = {id(concept) for _, _, concept in self.spans(stems)}
        return [c for c in self.all if id(c) in found]


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=\S)")


def question_part(text: str) -> str | None:
    """In a message of several sentences, the one that asks: often the last of a story ("... so
    last night X happened. Can I ...?"). The last sentence ending in "?", else the last one;
    None for a message of one sentence."""
    parts = [p.strip() for p in _SENTENCE.split(text) if p.strip()]
    if len(parts) < 2:
        return None
    asking = [p for p in parts if p.endswith("?")]
    return asking[-1] if asking else parts[-1]


_WHAT_NOW = re.compile(
    r"\b(?:what (?:do|should|can|must) (?:i|we) do|who (?:do|should|can) (?:i|we) (?:report|tell)"
    r"|how do (?:i|we) report|what happens now)\b"
)
_WHO = re.compile(r"^who\b|\bwho (?:is|are|do|does|should|will|can|decides|reviews|checks|deals|handles)\b|\bwhose job\b")
_PERMISSION = re.compile(
    r"\b(?:can|could|may|should|shall|must) (?:i|we)\b|\b(?:am i|are we|is it) (?:allowed|ok|okay|alright|fine|acceptable)\b"
    r"|\b(?:is it|would it be) (?:ok|okay|alright|fine|acceptable)\b|\b(?:do|would) (?:i|we) (?:have|need) to\b"
)
_HAPPENED = re.compile(
    r"\b(?:(?:has|have|had) (?:been|made|posted|said|written|shared|found|sent|put)"
    r"|posted|commented|commenting|said|wrote|written|shared|sent|found|messaged|tagged|uploaded|threatened|"
    r"insulted|abused|trolled|bullied|screenshotted|brought it up)\b"
)
_SCOPE = re.compile(
    r"\b(?:is|are|does|do) (?:\w+ ){0,4}?(?:covered|included|count|counts|part of|cover|include|apply)\b"
    r"|\bwhat (?:counts|\w+ count|is covered|is included|does (?:it|this|the policy) cover)\b"
)


def question_intent(text: str) -> str | None:
    """"scope" for "is X covered?", "incident" for "X happened, what now?", "who" for
    "who should I ask / who reviews it?", "permission" for "can I / am I allowed ..."."""
    lowered = " ".join(words(text))
    if _SCOPE.search(lowered):
        return "scope"
    if _WHAT_NOW.search(lowered):
        return "incident"
    if _WHO.search(lowered):
        return "who"
    if _PERMISSION.search(lowered):
        return "permission"
    if _HAPPENED.search(lowered):
        return "incident"
    return None


class SpellFixer:
    """Corrects words nobody would have meant ("freind", "facebok") to the nearest known term.

    A word counts as real when the model's own vocabulary, the policy or the school vocabulary
    has it (plurals included), so ordinary English is never "corrected"; only unknown words
    are matched, by Damerau-Levenshtein similarity (a swapped pair of letters is one edit),
    against policy and vocabulary terms.
    """

    def __init__(self, known_words: set[str], targets: set[str]):
        self.known = known_words | targets | SCHOOL_WORDS
        self.targets = sorted(t for t in targets if len(t) >= 4 and t.isalpha())
        self.cache: dict[str, str] = {}

    def is_known(self, word: str) -> bool:
        return word in self.known or any(
            word.endswith(suffix) and word[: -len(suffix)] + ending in self.known
            for suffix, ending in (("s", ""), ("es", ""), ("ies", "y"), ("'s", ""))
        )

    def fix(self, word: str) -> str:
        if len(word) < 4 or not word.isalpha() or self.is_known(word):
            return word
        if word not in self.cache:
            match = process.extractOne(word, self.targets, scorer=DamerauLevenshtein.normalized_similarity,
                                       score_cutoff=0.8)
            self.cache[word] = match[0] if match else word
        return self.cache[word]
