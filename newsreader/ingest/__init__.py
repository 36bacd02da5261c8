"""Turn documents into `ArticleDraft`s. Knows nothing of the database."""

from newsreader.ingest.draft import ArticleDraft, IngestError

__all__ = ["ArticleDraft", "IngestError"]
