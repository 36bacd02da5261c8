"""Plain-text and Markdown documents, including the seed format.

The seed format: title on the first line, a blank line, then paragraphs separated by blank
lines; the first paragraph may open with a dateline such as `DESPARDES News Monitor — ...`.
"""

from __future__ import annotations

import re
from pathlib import Path

from newsreader.ingest.decode import decode
from newsreader.ingest.draft import ArticleDraft, IngestError, refusing
from newsreader.ingest.local import read_local
from newsreader.ingest.sanitize import clean_line, normalise_spaces, strip_controls

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})
MAX_BYTES = 64 * 2**20
"""Larger files are refused: no article is that long, and reading it would cost the memory."""

# `Name — rest`, `Name - rest`, `Name -- rest`, `Name – rest`.
_DATELINE = re.compile(r"^(?P<name>[^\n]{2,60}?)\s+(?:—|–|--|-)\s+(?P<rest>\S.*)$", re.DOTALL)
# A WordPress shortcode alone on a line: lower-case tag with attributes or an underscore,
# a closing tag, or one of the well-known bare tags. `[US]`, `[The US]` are prose.
_SHORTCODE = re.compile(
    r"^\[(?:/?[a-z][a-z0-9]*_[a-z0-9_-]*(?:\s[^\]]*)?"
    r"|[a-z][a-z0-9_-]*\s+[a-z_-]+\s*=[^\]]*"
    r"|/?(?:caption|embed|gallery|audio|video|playlist|contact-form)(?:\s[^\]]*)?)\]$"
)
_LIST_ITEM = re.compile(r"^(?:[-*+•]|\d{1,3}[.)])\s")


@refusing
def parse_text(data: bytes, origin: str, default_source: str = "") -> ArticleDraft:
    """Parse one text or Markdown document; raises `IngestError` with a one-line reason."""
    text = strip_controls(decode(data))
    markdown = origin.lower().endswith((".md", ".markdown"))
    blocks = _blocks(text)
    if not blocks:
        raise IngestError("empty document (no text)")
    # The title is the first line, even when no blank line follows it.
    first, *rest_of_first = blocks[0]
    title = clean_line(first.lstrip("#") if markdown else first)
    body_blocks = [rest_of_first, *blocks[1:]] if rest_of_first else blocks[1:]
    body_paragraphs = [p for p in (_paragraph(b, markdown) for b in body_blocks) if p]
    if not title:
        raise IngestError("document has no title")
    source = default_source
    if body_paragraphs:
        name, opening = split_dateline(body_paragraphs[0])
        if name:
            source = name
            body_paragraphs[0] = opening
    body = "\n\n".join(p for p in body_paragraphs if p)
    return ArticleDraft(
        title=title,
        body=body,
        source=source,
        origin=origin,
        summary=body_paragraphs[0] if body_paragraphs else "",
    )


def split_dateline(paragraph: str) -> tuple[str, str]:
    """`("DESPARDES News Monitor", "Turkish President ...")`, or `("", paragraph)`."""
    match = _DATELINE.match(paragraph)
    if not match:
        return "", paragraph
    name = match["name"].strip()
    if not _looks_like_source(name):
        return "", paragraph
    return name, match["rest"].strip()


def _looks_like_source(name: str) -> bool:
    """A dateline names a source: short, capitalised, no sentence punctuation."""
    words = name.split()
    if not 1 <= len(words) <= 6 or any(ch in name for ch in '.,;:!?"“”'):
        return False
    return (
        name[0].isupper() and sum(w[0].isupper() for w in words if w[0].isalpha()) >= len(words) / 2
    )


def _blocks(text: str) -> list[list[str]]:
    """Blank-line separated blocks of non-blank lines, shortcode lines dropped."""
    blocks = []
    for block in re.split(r"\n[ \t]*\n", text.strip("\n")):
        lines = [line for line in block.split("\n") if _kept(line.strip())]
        if lines:
            blocks.append(lines)
    return blocks


def _kept(line: str) -> bool:
    """A line with text that is no shortcode (`[` first: a regex call saved per line)."""
    return bool(line) and not (line[0] == "[" and _SHORTCODE.match(line))


def _paragraph(lines: list[str], markdown: bool) -> str:
    if markdown:
        return "\n".join(normalise_spaces(line) for line in lines)
    return _join_lines("\n".join(lines))


def _join_lines(block: str) -> str:
    """Re-flow hard-wrapped lines into one, but keep list items on their own lines."""
    out: list[list[str]] = []  # the words of each output line, joined once at the end
    for line in map(normalise_spaces, block.split("\n")):
        if not line:
            continue
        if out and not _LIST_ITEM.match(line):
            out[-1].append(line)
        else:
            out.append([line])
    return "\n".join(" ".join(parts) for parts in out)


def parse_file(path: Path) -> ArticleDraft:
    """Read and parse one file; the folder name is the source when no dateline says one."""
    return parse_text(read_local(path, MAX_BYTES), str(path), default_source=path.parent.name)
