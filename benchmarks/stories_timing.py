"""What grouping stories costs at scale: its share of each import batch, and a rebuild.

Runs `benchmarks.child`'s import phase (the store's real write path, parallel analysis)
with `group_new` timed, then `stories --rebuild`'s work on the store it made:

    python -m benchmarks.stories_timing ARGS.json OUT.json
    ARGS: {"db": "/tmp/stories/store.db", "corpus": "<path>", "batch": 5000}
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any


def main() -> None:
    args = json.loads(Path(sys.argv[1]).read_text())
    from benchmarks import child
    from newsreader.store import saving
    from newsreader.stories import keeping

    spent: list[tuple[int, float]] = []
    batches: list[float] = []
    group_new = keeping.group_new
    save_batch = saving.save_batch

    def timed_group(conn: Any, docs: Any, **kw: Any) -> int:
        t = time.perf_counter()
        try:
            return group_new(conn, docs, **kw)
        finally:
            if docs:
                spent.append((len(docs), time.perf_counter() - t))

    def timed_batch(*a: Any, **kw: Any) -> Any:
        t = time.perf_counter()
        try:
            return save_batch(*a, **kw)
        finally:
            batches.append(time.perf_counter() - t)

    keeping.group_new = timed_group  # type: ignore[assignment]
    from newsreader.store import store as store_module

    store_module.save_batch = timed_batch  # type: ignore[assignment]
    result = child.phase_import(args)
    grouping = sum(s for _, s in spent)
    n = len(batches)
    per_batch = result["total_s"] / n if n else 0.0
    out: dict[str, Any] = {
        "articles": result["count"],
        "import_total_s": round(result["total_s"], 2),
        "grouping_total_s": round(grouping, 2),
        "grouping_share": round(grouping / result["total_s"], 3),
        "batches": n,
        "import_per_batch_s": round(per_batch, 2),
        "last5_grouping_s": [round(s, 3) for _, s in spent[-5:]],
        "last5_save_batch_s": [round(s, 3) for s in batches[-5:]],
    }
    from newsreader.store.store import Store
    from newsreader.stories.keeping import rebuild

    store = Store(f"sqlite:///{args['db']}")
    t = time.perf_counter()
    with store.writing() as conn:
        joined = rebuild(conn)
    out["rebuild_s"] = round(time.perf_counter() - t, 2)
    out["rebuild_joined"] = joined
    store.close()
    Path(sys.argv[2]).write_text(json.dumps(out, indent=1))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
