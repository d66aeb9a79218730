"""People from the directory named in a piece of text ("my line manager Mia Manager posts ...").

A query or report about someone must never be routed to them, whether they were picked in a
form or only named in the words. A person counts as named by their full name, by first name
and surname with something in between ("Mia R. Manager"), by a title and surname ("Mrs
Manager"), or by their e-mail address. A first name alone does not count: children, parents
and colleagues share first names, and routing past the wrong person would be a worse mistake.
"""
from __future__ import annotations

import re
import unicodedata

from bot.core.directory.model import Directory, Person

_TITLES = r"(?:mr|mrs|ms|miss|mx|dr|sir)\.?"


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[’'`]", "'", text.lower())


def _patterns(person: Person) -> list[re.Pattern]:
    parts = [p for p in re.split(r"\s+", _fold(person.name).strip()) if p]
    found = [re.compile(rf"(?<![\w@.]){re.escape(person.email)}(?![\w])")]
    if len(parts) >= 2:
        first, last = re.escape(parts[0]), re.escape(parts[-1])
        found.append(re.compile(rf"\b{first}\b(?:\s+\w\.?){{0,2}}\s+\b{last}\b"))
        found.append(re.compile(rf"\b{_TITLES}\s+{last}\b"))
    return found


def named_in(directory: Directory, *texts: str | None) -> list[str]:
    """E-mails of the directory people the texts name, in directory order."""
    folded = " \n ".join(_fold(t) for t in texts if t)
    if not folded.strip():
        return []
    return [p.email for p in directory.people if any(pattern.search(folded) for pattern in _patterns(p))]


def redact(directory: Directory, text: str) -> str:
    """`text` with the names of directory people replaced by "[name]" (for anonymous logs)."""
    out = text
    for person in directory.people:
        for pattern in _patterns(person):
            out = _replace_folded(out, pattern)
    return out


def _replace_folded(text: str, pattern: re.Pattern) -> str:
    # Match on the folded text, replace the same span in the original (folding keeps lengths
    # for the Latin letters names use; if it does not, fall back to the folded text itself).
    folded = _fold(text)
    if len(folded) != len(text):
        return pattern.sub("[name]", folded)
    pieces, last = [], 0
    for match in pattern.finditer(folded):
        pieces += [text[last:match.start()], "[name]"]
        last = match.end()
    return "".join(pieces) + text[last:] if pieces else text
