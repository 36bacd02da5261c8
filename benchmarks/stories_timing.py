"""What grouping stories costs at scale: its share of each import batch, and a rebuild.

Runs `benchmarks.child`'s import phase (the store's real write path, parallel analysis)
with `group_new` timed, then `stories --rebuild`'s work on the store it made:

    python -m benchmarks.stories_timing ARGS.json OUT.json
    ARGS: {"db": "/tmp/stories/store.db", "corpus": "<path>", "batch": 5000}

ARGS may say `"grouping": false`: the same import with no story work at all (no signing
in the workers either), the baseline the cost is measured against.

Measured 2026-11-30 at 100k (generated corpus, batch 5000, 2 cores shared with other work
at load 4-6: CPU seconds are the figures that mean something; wall times wander ±30%).
CPU is writer + workers; "grouping" is `group_new` in the writer.

build: import wall | CPU writer + workers | grouping CPU in the writer | rebuild wall / CPU
- no grouping: 49.0 s | 12.3 + 18.1 = 30.3 s | - | -
- round 1 (writer signs): 206 s (load 12-15) | 30.4 + 19.9 = 50.3 s | 15.1 s | 58 s / 15.5 s
- workers sign, near-duplicates only: 68.8 s | 18.6 + 27.9 = 46.6 s | 5.3 s | 25.3 s / 14.1 s
- + close coverage: 110.7 s (82.1 s quieter) | 28.8 + 34.6 = 63.4 s | 13.6 s | 51.8 s / 29.6 s

- this round (split stories heal; event keys from figures only, made in the workers with
  one cheap regex; 8 single-hash band keys, keys of 32+ stored articles not stored again;
  candidates kept only for the articles that have one; rebuild signs in workers), load
  9-10 (the full test suite ran beside it): 189 s | 16.3 + 31.3 = 47.6 s | 2.21 s (22 us
  an article; the last five batches 0.12-0.14 s, 25-29 us) | rebuild, load 5: 22.3 s /
  4.9 s + 12.9 s in the workers (at load 9-10: 64 s)
  (baseline, same hour, load 6-8: 65.0 s | 13.2 + 19.0 = 32.2 s)

Grouping in the writer is now 4.6% of the import's CPU (was 21%) and adds 3.1 s to the
writer's 13.2 s; counting the workers' signing against the baseline, story work is 32% of
the import's CPU (was 52%): signing, ~120 us an article in the workers, is most of it now.
Most of what is left in the writer is SQLite's: ~2 us a `story_band` row, ~8 rows an
article. A rebuild at 100k is 18 s of CPU over 2 cores (was 30 s in one process).
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

    cpu: list[float] = []
    batch_cpu: list[float] = []

    def timed_group(conn: Any, docs: Any, **kw: Any) -> int:
        t, c = time.perf_counter(), time.process_time()
        try:
            return group_new(conn, docs, **kw)
        finally:
            if docs:
                spent.append((len(docs), time.perf_counter() - t))
                cpu.append(time.process_time() - c)

    def timed_batch(*a: Any, **kw: Any) -> Any:
        t, c = time.perf_counter(), time.process_time()
        try:
            return save_batch(*a, **kw)
        finally:
            batches.append(time.perf_counter() - t)
            batch_cpu.append(time.process_time() - c)

    keeping.group_new = timed_group  # type: ignore[assignment]
    grouping_on = args.get("grouping", True)
    if not grouping_on:  # the same import with no story work at all, to compare against
        from newsreader.stories import signature

        keeping.group_new = lambda conn, docs, **kw: 0  # type: ignore[assignment]
        signature.signed_ahead = lambda *a: lambda: None  # type: ignore[assignment]
    from newsreader.store import store as store_module

    store_module.save_batch = timed_batch  # type: ignore[assignment]
    import resource

    c0 = time.process_time()
    result = child.phase_import(args)
    import_cpu = time.process_time() - c0
    workers_cpu = sum(
        getattr(resource.getrusage(resource.RUSAGE_CHILDREN), f) for f in ("ru_utime", "ru_stime")
    )
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
        # CPU seconds: the machine is shared, so wall time mostly measures waiting for a core.
        "import_cpu_main_s": round(import_cpu, 2),
        "import_cpu_workers_s": round(workers_cpu, 2),
        "grouping_cpu_s": round(sum(cpu), 2),
        "grouping_cpu_share_of_import_cpu": round(sum(cpu) / (import_cpu + workers_cpu), 3),
        "last5_grouping_cpu_s": [round(c, 3) for c in cpu[-5:]],
        "last5_save_batch_cpu_s": [round(c, 3) for c in batch_cpu[-5:]],
    }
    if not grouping_on:
        Path(sys.argv[2]).write_text(json.dumps(out, indent=1))
        print(json.dumps(out))
        return
    from newsreader.store.store import Store
    from newsreader.stories.groups import regroup

    store = Store(f"sqlite:///{args['db']}")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    t, c = time.perf_counter(), time.process_time()
    joined = regroup(store)  # as `stories --rebuild` does: workers sign
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    out["rebuild_cpu_workers_s"] = round(
        after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime, 2
    )
    out["rebuild_s"] = round(time.perf_counter() - t, 2)
    out["rebuild_cpu_s"] = round(time.process_time() - c, 2)
    out["rebuild_joined"] = joined
    store.close()
    Path(sys.argv[2]).write_text(json.dumps(out, indent=1))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
