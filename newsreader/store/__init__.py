"""Articles in a SQLModel store (SQLite by default), with the search index kept beside them.

Import from the submodules (`store.store`, `store.views`, `store.engine`): the UI needs the
plain `views` long before it needs SQLAlchemy, and this package does not pull one in with
the other.
"""
