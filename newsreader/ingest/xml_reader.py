"""The SAX reader feedparser's strict parser runs (named in its `PREFERRED_XML_PARSERS`).

defusedxml's expat reader, refusing every entity declaration wherever it stands (expansion
bombs; external entities that would read a file or fetch a URL). An external reference that
needs no declaration, a DTD named by URL, is skipped unread by the standard reader's own rule
(external general entities off, as feedparser sets them): defusedxml's refusal of it would
also refuse every RSS 0.91 feed, which names Netscape's DTD.
"""

from __future__ import annotations

from typing import Any

from defusedxml.expatreader import DefusedExpatParser


def create_parser(*args: Any, **kwargs: Any) -> Any:
    return DefusedExpatParser(*args, forbid_entities=True, forbid_external=False, **kwargs)
