"""Read a policy Markdown file into its metadata and a flat list of text blocks.

The format (see policy_text/README.md):

* a YAML front-matter header with `title`, `owner`, `approved` and `review_date`;
* `#` the document title (not indexed), `##`/`###` numbered section headings such as
  `### 2.1 Friends/Befriending`, or unnumbered ones with an explicit key `## Mission {#mission}`;
* a heading inside a section without a number (e.g. `#### Governors`) names the group (a role)
  that the following paragraphs and bullets belong to;
* paragraphs and bullet items are the policy text;
* `<!-- hint: question one; question two -->` under a block adds plain-language phrasings of it,
  indexed but never shown; `<!-- hint for "quoted words": ... -->` targets the sentence group
  that contains the quoted words when the block holds several.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

REQUIRED_METADATA = ("title", "owner", "approved", "review_date")
SKIPPED_HEADINGS = {"contents", "table of contents"}

_NUMBERED_HEADING = re.compile(r"^(?P<number>\d+(?:\.\d+)*)\.?\s+(?P<title>.+?)\s*:?\s*$")
_KEYED_HEADING = re.compile(r"^(?P<title>.+?)\s*\{#(?P<key>[A-Za-z][\w-]*)\}\s*$")
_HINT = re.compile(
    r"^<!--\s*hints?(?:\s+for\s+\"(?P<anchor>[^\"]+)\")?\s*:(?P<body>.*?)-->\s*$", re.DOTALL
)
_COMMENT = re.compile(r"^<!--.*?-->\s*$", re.DOTALL)


class PolicyFormatError(ValueError):
    """A policy file that cannot be read; names the file and line."""

    def __init__(self, path: Path | str, line: int, message: str):
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(f"{path}:{line}: {message}")


@dataclass
class Hint:
    text: str
    anchor: str | None
    line: int


@dataclass
class Block:
    """A paragraph or bullet of policy text, with where it sits in the policy."""

    kind: str  # "paragraph" or "bullet"
    text: str
    line: int
    section: str
    heading: str
    group: str = ""  # the role or sub-heading the block sits under
    lead_in: str = ""  # for a bullet: the sentence that introduces its list
    hints: list[Hint] = field(default_factory=list)


@dataclass
class PolicyDocument:
    path: Path
    policy_id: str
    metadata: dict
    blocks: list[Block]
    content_hash: str = ""


def read_policy(path: Path) -> PolicyDocument:
    """Parse one policy file; raise PolicyFormatError naming the line of any problem."""
    raw = path.read_bytes()
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PolicyFormatError(path, line, "the file is not UTF-8 text") from None
    metadata, body, offset = _split_front_matter(path, source)
    blocks = _Parser(path, offset).parse(body)
    if not blocks:
        raise PolicyFormatError(path, offset + 1, "no policy text (paragraphs or bullets) found")
    return PolicyDocument(path=path, policy_id=path.stem, metadata=metadata, blocks=blocks)


def _split_front_matter(path: Path, source: str) -> tuple[dict, str, int]:
    lines = source.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise PolicyFormatError(path, 1, "missing metadata header: start the file with a '---' line")
    for end, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            break
    else:
        raise PolicyFormatError(path, 1, "metadata header is not closed with a '---' line")
    try:
        metadata = yaml.safe_load("".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 2) if mark else 2
        raise PolicyFormatError(path, line, f"metadata header is not valid YAML ({exc})") from None
    if not isinstance(metadata, dict):
        raise PolicyFormatError(path, 2, "metadata header must be 'key: value' lines")
    missing = [key for key in REQUIRED_METADATA if not str(metadata.get(key) or "").strip()]
    if missing:
        raise PolicyFormatError(path, 2, f"metadata header lacks {', '.join(missing)}")
    metadata = {key: str(value).strip() for key, value in metadata.items()}
    return metadata, "".join(lines[end + 1 :]), end + 1


class _Parser:
    """Walks markdown-it tokens, tracking the current section, group and list lead-in."""

    def __init__(self, path: Path, line_offset: int):
        self.path = path
        self.offset = line_offset
        self.section = ""
        self.heading = ""
        self.group = ""
        self.skipping = True  # text before the first section heading is the title block
        self.last_paragraph = ""
        self.blocks: list[Block] = []

    def parse(self, body: str) -> list[Block]:
        tokens = MarkdownIt("commonmark").parse(body)
        list_depth = 0
        lead_in = ""
        for index, token in enumerate(tokens):
            line = self.offset + (token.map[0] + 1 if token.map else 0)
            if token.type == "heading_open":
                self._heading(tokens[index + 1].content.strip(), int(token.tag[1]), line)
                lead_in = ""
            elif token.type == "bullet_list_open" or token.type == "ordered_list_open":
                if list_depth == 0:
                    lead_in = _last_sentence(self.last_paragraph)
                list_depth += 1
            elif token.type in ("bullet_list_close", "ordered_list_close"):
                list_depth -= 1
            elif token.type == "inline" and tokens[index - 1].type == "paragraph_open":
                text = " ".join(token.content.split())
                if self.skipping or not text:
                    continue
                if list_depth:
                    self._add("bullet", text, line, lead_in)
                else:
                    self._add("paragraph", text, line, "")
                    self.last_paragraph = text
            elif token.type == "html_block":
                self._html(token.content.strip(), line)
        return self.blocks

    def _heading(self, text: str, level: int, line: int) -> None:
        if level == 1:
            self.skipping = True
            return
        numbered = _NUMBERED_HEADING.match(text)
        keyed = _KEYED_HEADING.match(text)
        if numbered:
            self.section, title = numbered["number"], numbered["title"]
        elif keyed:
            self.section, title = keyed["key"], keyed["title"]
        elif text.strip().lower() in SKIPPED_HEADINGS:
            self.skipping = True
            return
        elif self.section and not self.skipping:
            self.group = text.rstrip(":").strip()  # a role or sub-heading inside the section
            self.last_paragraph = ""
            return
        else:
            raise PolicyFormatError(
                self.path,
                line,
                f"heading {text!r} has no section number (e.g. '2.1 Title') or key (e.g. 'Title {{#key}}')",
            )
        self.heading = _display_heading(title)
        self.group = ""
        self.last_paragraph = ""
        self.skipping = False

    def _add(self, kind: str, text: str, line: int, lead_in: str) -> None:
        self.blocks.append(
            Block(kind=kind, text=text, line=line, section=self.section, heading=self.heading,
                  group=self.group, lead_in=lead_in if kind == "bullet" else "")
        )

    def _html(self, content: str, line: int) -> None:
        for offset, piece in enumerate(re.findall(r"<!--.*?-->", content, re.DOTALL)):
            match = _HINT.match(piece)
            if not match:
                if not _COMMENT.match(piece):
                    raise PolicyFormatError(self.path, line, "unreadable HTML in policy text")
                continue  # an ordinary comment
            if self.skipping:
                continue
            if not self.blocks or self.blocks[-1].section != self.section:
                raise PolicyFormatError(self.path, line + offset, "a hint must follow the text it describes")
            phrases = [p.strip() for p in match["body"].split(";") if p.strip()]
            if not phrases:
                raise PolicyFormatError(self.path, line + offset, "empty hint")
            target = self.blocks[-1]
            if match["anchor"] and match["anchor"] not in target.text:
                raise PolicyFormatError(
                    self.path, line + offset, f"hint anchor {match['anchor']!r} is not in the text above it"
                )
            target.hints.extend(Hint(text=p, anchor=match["anchor"], line=line + offset) for p in phrases)


def _display_heading(title: str) -> str:
    title = title.strip().rstrip(":").strip()
    if title.isupper():
        small = {"and", "or", "of", "the", "for", "in", "on", "to", "a", "an"}
        words = title.lower().split()
        title = " ".join(w if (i and w in small) else w[:1].upper() + w[1:] for i, w in enumerate(words))
    return title


def _last_sentence(paragraph: str) -> str:
    """The sentence that introduces a list is the paragraph's last one (it often ends in ':')."""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z])", paragraph.strip())
    return parts[-1] if parts else ""
