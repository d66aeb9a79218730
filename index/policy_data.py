"""What the search knows about one policy besides its text and question bank, read from
`<policy>.search.yml` beside it: the everyday words of its subject, the matters other policies
cover, and the roles it gives duties to. A new policy brings these as data; nothing in code."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from index.policy_file import PolicyFormatError


@dataclass(frozen=True)
class SearchData:
    # (everyday phrasings, the policy-language words they mean)
    subject: tuple[tuple[tuple[str, ...], str], ...] = ()
    other_topics: tuple[str, ...] = ()
    roles: tuple[str, ...] = field(default=())

    def merged(self, other: "SearchData") -> "SearchData":
        return SearchData(subject=self.subject + other.subject, other_topics=self.other_topics + other.other_topics,
                          roles=tuple(dict.fromkeys(self.roles + other.roles)))


def data_path(policy_path: Path) -> Path:
    return policy_path.with_name(policy_path.stem + ".search.yml")


def read_search_data(path: Path) -> SearchData:
    """The policy's search data (empty when the file is absent); `PolicyFormatError` names the line."""
    if not path.exists():
        return SearchData()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise PolicyFormatError(path, (mark.line + 1) if mark else 1, f"not valid YAML ({exc})") from None
    except UnicodeDecodeError:
        raise PolicyFormatError(path, 1, "not UTF-8 text") from None
    if not isinstance(data, dict):
        raise PolicyFormatError(path, 1, "expected keys subject, other_topics and roles")
    subject = []
    for number, entry in enumerate(data.get("subject") or (), start=1):
        if not (isinstance(entry, dict) and isinstance(entry.get("means"), str)
                and isinstance(entry.get("phrases"), list) and entry["phrases"]):
            raise PolicyFormatError(path, 1, f"subject entry {number} needs 'means: words' and 'phrases: [...]'")
        subject.append((tuple(str(p) for p in entry["phrases"]), entry["means"]))
    topics = tuple(str(t) for t in data.get("other_topics") or ())
    roles = tuple(str(r).lower() for r in data.get("roles") or ())
    return SearchData(subject=tuple(subject), other_topics=topics, roles=roles)
