"""`storable`: a draft as every backend stores it; a draft that needs nothing is itself."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newsreader.ingest.draft import GUID_BYTES, SHORT_TEXT, ArticleDraft, storable


@given(
    st.text("a\x00 ", max_size=3) | st.text(min_size=500, max_size=600),
    st.text("b\x00\u00e9", min_size=1),
    st.none() | st.text("g\x00\U0001f600", max_size=600),
    st.sampled_from(["url", "summary", "title", "origin"]),
)
def test_storable_returns_a_clean_draft_as_it_is_and_fixes_the_rest(
    author: str, body: str, guid: str | None, other: str
) -> None:
    fields = {"title": "t", "origin": "o", "url": "https://e.example/", "summary": "s"}
    fields[other] += "\x00" if "\x00" in body else ""
    draft = ArticleDraft(body=body, source=author, author=author, guid=guid, **fields)
    stored = storable(draft)
    for name in ("title", "body", "source", "origin", "author", "url", "summary", "guid"):
        assert "\x00" not in (getattr(stored, name) or "")
    assert len(stored.author) <= SHORT_TEXT and len(stored.source) <= SHORT_TEXT
    assert len((stored.guid or "").encode()) <= GUID_BYTES
    clean = "\x00" not in body + author + (guid or "") and len(author) <= SHORT_TEXT
    if clean and len((guid or "").encode()) <= GUID_BYTES:
        assert stored is draft
    else:
        assert stored != draft


def test_a_draft_survives_pickling_field_for_field() -> None:
    """Workers send drafts to the writer pickled (`ArticleDraft.__reduce__` names each
    field): a field added to the class and not to the pickle would be lost on the way."""
    import dataclasses
    import pickle
    from datetime import UTC, datetime

    values = {f.name: f"v-{f.name}" for f in dataclasses.fields(ArticleDraft)}
    values.update(published_at=datetime(2024, 1, 2, tzinfo=UTC), tags=("a", "b"))
    draft = ArticleDraft(**values)
    back = pickle.loads(pickle.dumps(draft, pickle.HIGHEST_PROTOCOL))
    assert back == draft
    assert {f.name: getattr(back, f.name) for f in dataclasses.fields(back)} == values
