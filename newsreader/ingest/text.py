"""Plain-text and Markdown documents, including the seed format.

The seed format: title on the first line, a blank line, then paragraphs separated by blank
lines; the first paragraph may open with a dateline such as `DESPARDES News Monitor — ...`.
"""

from __future__ import annotations

import re
from pathlib import Path

from newsreader.ingest.decode import decode
from newsreader.ingest.draft import ArticleDraft, IngestError
from newsreader.ingest.sanitize import clean_line, normalise_spaces, strip_controls

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})

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


def parse_text(data: bytes, origin: str, default_source: str = "") -> ArticleDraft:
    """Parse one text or Markdown document; raises `IngestError` with a one-line reason."""
    text = strip_controls(decode(data))
    markdown = origin.lower().endswith((".md", ".markdown"))
    paragraphs = _paragraphs(text, markdown)
    if not paragraphs:
        raise IngestError("empty document (no text)")
    title = clean_line(paragraphs[0].lstrip("#")) if markdown else clean_line(paragraphs[0])
    body_paragraphs = paragraphs[1:]
    if "\n" in paragraphs[0] and not markdown:
        # No blank line after the title: the title is the first line, the rest is body.
        first, _, rest = paragraphs[0].partition("\n")
        title = clean_line(first)
        body_paragraphs = [_join_lines(rest), *body_paragraphs]
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
    if not 1 <= len(words) <= 6 or any(ch in name for ch in ".,;:!?\"“”"):
        return False
    return name[0].isupper() and sum(w[0].isupper() for w in words if w[0].isalpha()) >= len(
        words
    ) / 2


def _paragraphs(text: str, markdown: bool) -> list[str]:
    blocks = re.split(r"\n[ \t]*\n", text.strip("\n"))
    paragraphs = []
    for block in blocks:
        lines = [line for line in block.split("\n") if not _SHORTCODE.match(line.strip())]
        if markdown:
            paragraph = "\n".join(normalise_spaces(line) for line in lines if line.strip())
        else:
            paragraph = _join_lines("\n".join(lines))
        if paragraph.strip():
            paragraphs.append(paragraph)
    return paragraphs


def _join_lines(block: str) -> str:
    """Re-flow hard-wrapped lines into one, but keep list items on their own lines."""
    lines = [normalise_spaces(line) for line in block.split("\n")]
    out: list[str] = []
    for line in lines:
        if not line:
            continue
        if out and not _LIST_ITEM.match(line):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return "\n".join(out)


def parse_file(path: Path) -> ArticleDraft:
    """Read and parse one file; the folder name is the source when no dateline says one."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise IngestError("file vanished before it could be read") from None
    except IsADirectoryError:
        raise IngestError("is a directory") from None
    except PermissionError:
        raise IngestError("permission denied") from None
    except OSError as error:
        raise IngestError(f"cannot read: {error.strerror or error}") from None
    return parse_text(data, str(path), default_source=path.parent.name)
