"""What runs in a fresh process per measurement: import, index open, queries.

A separate process per size and per phase is the point: peak RSS is then the phase's own
(and not inherited from the driver), "index open" is a real restart, and the driver's big
corpus never sits in the measured heap. Peak RSS is read from `VmHWM` in /proc (the peak of
this process's own address space); `ru_maxrss` is reported too, but on Linux it can carry the
parent's high-water mark across fork+exec, so it is not the headline number.

Usage (by `benchmarks.run`): python -m benchmarks.child PHASE ARGS_JSON OUT_JSON
"""

from __future__ import annotations

import gc
import itertools
import json
import resource
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.corpus import read_corpus, to_draft


def peak_rss_mb() -> dict[str, float]:
    """Peak resident set size of this process, MiB: VmHWM, ru_maxrss, and current VmRSS."""
    out = {"ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(("VmHWM:", "VmRSS:")):
                key = "peak_rss_mb" if line.startswith("VmHWM") else "rss_mb"
                out[key] = int(line.split()[1]) / 1024
    except OSError:
        out["peak_rss_mb"] = out["ru_maxrss_mb"]
    return out


def phase_import(args: dict[str, Any]) -> dict[str, Any]:
    """Time one `store.add` over the whole corpus into a fresh store, as `newsreader import`
    calls it (`parallel=True`: worker processes tokenize while this one writes). Reading the
    corpus and building drafts happens inside that call, so it is timed too, and reported."""
    from newsreader.store.store import Store

    db = Path(args["db"])
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    batch = int(args["batch"])
    before = peak_rss_mb()
    t0 = time.perf_counter()
    store = Store(f"sqlite:///{db}")
    create = time.perf_counter() - t0
    drafting = 0.0

    def drafts() -> Any:
        nonlocal drafting
        articles = read_corpus(Path(args["corpus"]))
        for number in itertools.count():
            t = time.perf_counter()
            article = next(articles, None)
            draft = None if article is None else to_draft(article, number)
            drafting += time.perf_counter() - t
            if draft is None:
                return
            yield draft

    t = time.perf_counter()
    # 0: the store's own batch (a batch of 0 would import nothing).
    sized = {"batch": batch} if batch else {}
    result = store.add(drafts(), parallel=True, **sized)
    total = time.perf_counter() - t
    t = time.perf_counter()
    count = store.count()
    count_s = time.perf_counter() - t
    store.close()
    from newsreader.search import analysis

    # The import stopped its workers (reaped: their peak RSS is known).
    workers = analysis.workers() if count >= analysis.PARALLEL_MIN else 0
    db_bytes = sum(
        Path(f"{db}{s}").stat().st_size for s in ("", "-wal") if Path(f"{db}{s}").exists()
    )
    return {
        "workers": workers,
        "worker_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "create_s": create,
        "total_s": total,
        "drafting_s": drafting,
        "batch": batch,
        "added": result.added,
        "unchanged": result.unchanged,
        "count": count,
        "count_s": count_s,
        "db_mb": db_bytes / 2**20,
        "rss_before": before,
        **peak_rss_mb(),
    }


def phase_open(args: dict[str, Any]) -> dict[str, Any]:
    """A restart: construct the store, then load the index snapshot, each timed."""
    t0 = time.perf_counter()
    from newsreader.store.store import Store

    imports = time.perf_counter() - t0
    t = time.perf_counter()
    store = Store(args["url"])
    store_s = time.perf_counter() - t
    t = time.perf_counter()
    store.index.load()
    load_s = time.perf_counter() - t
    vocab = store.index.vocabulary_size
    t = time.perf_counter()
    first = store.search(args.get("first_query", "e"))
    first_s = time.perf_counter() - t
    store.close()
    return {
        "import_modules_s": imports,
        "store_s": store_s,
        "load_s": load_s,
        "first_query_s": first_s,
        "first_query_hits": len(first),
        "vocabulary": vocab,
        **peak_rss_mb(),
    }


def _rank(ids: Sequence[int], target: int, cap: int = 20) -> int:
    """1-based rank of target among the first `cap` ids, 0 if absent."""
    try:
        r = ids.index(target, 0, cap) + 1
    except ValueError:
        return 0
    return r


def phase_search(args: dict[str, Any]) -> dict[str, Any]:
    """Latency of every query (a cold pass in order, then warm passes) and the eval ranks."""
    from newsreader.search.query import parse_query
    from newsreader.search.result import SearchResult
    from newsreader.store.store import Store

    store = Store(args["url"])
    t = time.perf_counter()
    store.index.load()
    load_s = time.perf_counter() - t
    index = store.index

    def search(text: str) -> SearchResult:
        return index.search(parse_query(text))  # as the store does: parsed once, then ranked

    queries: list[str] = args["queries"]
    gc.collect()
    cold: list[float] = []
    hits: list[int] = []
    for q in queries:
        t = time.perf_counter()
        result = search(q)
        cold.append(time.perf_counter() - t)
        hits.append(len(result))
    after_cold = peak_rss_mb()
    warm: list[list[float]] = []
    for _ in range(int(args.get("warm_rounds", 2))):
        times = []
        for q in queries:
            t = time.perf_counter()
            search(q)
            times.append(time.perf_counter() - t)
        warm.append(times)

    evals: dict[str, dict[str, list[Any]]] = {}
    for variant, texts in args["eval"].items():
        ranks, times, counts, top = [], [], [], []
        for text, target in zip(texts, args["eval_targets"], strict=True):
            t = time.perf_counter()
            result = search(text)
            times.append(time.perf_counter() - t)
            ranks.append(_rank(result.ids, target + 1))
            counts.append(len(result))
            top.append(result.ids[:3])
        evals[variant] = {"ranks": ranks, "times": times, "hits": counts, "top": top}
    check_ids = [int(i) + 1 for i in args["check"]]
    rows = store.rows(check_ids)
    titles = {str(i - 1): rows[i].title if i in rows else None for i in check_ids}
    tops = {i for e in evals.values() for ids in e["top"] for i in ids}
    top_titles = {str(i): r.title for i, r in store.rows(sorted(tops)).items()}
    store.close()
    return {
        "load_s": load_s,
        "cold_s": cold,
        "hits": hits,
        "warm_s": warm,
        "eval": evals,
        "check_titles": titles,
        "top_titles": top_titles,
        "rss_after_cold": after_cold,
        **peak_rss_mb(),
    }


_STAGES = ("Changed", "SearchFinished", "Updated", "ArticleLoaded")
"""Messages whose arrival times split a keystroke: bar changed, search done, list updated."""


def _stages(seen: list[tuple[float, str]], marks: list[float]) -> dict[str, list[float | None]]:
    """Per keystroke: seconds from the key to the first message of each stage after it."""
    out: dict[str, list[float | None]] = {name: [] for name in _STAGES}
    for i, t in enumerate(marks):
        end = marks[i + 1] if i + 1 < len(marks) else float("inf")
        for name in _STAGES:
            hit = next((s for s, n in seen if n == name and t <= s < end), None)
            out[name].append(None if hit is None else hit - t)
    return out


_KEYS = {" ": "space", "-": "minus", '"': "quotation_mark", "'": "apostrophe", ".": "full_stop"}


def _since_exec() -> float | None:
    """Seconds since this process was exec'd (from /proc, 10 ms resolution)."""
    import os

    try:
        start_ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return uptime - start_ticks / os.sysconf("SC_CLK_TCK")


def phase_app(args: dict[str, Any]) -> dict[str, Any]:
    """First paint and keystroke->list inside the real app (headless `run_test`).

    First frame: from exec until `run_test` is entered (the app is running, its screen up).
    First paint: from exec until the list shows every article (the `ArticleList.Updated`
    for query "", on which the app sets `shown_query`). Keystroke: from handing the key event
    to the driver until the `ArticleList.Updated` for the bar's new value; the next key follows
    0.1 s later (a fast typist), so each keystroke is measured whole. Keys are sent the way
    `pilot.press` sends them but without its wait-for-idle, which sleeps until the process
    is idle (and so, while a worker thread runs, adds up to ~100 ms that no user sees).
    """
    import asyncio

    from textual import events

    t0 = time.perf_counter()
    exec_before = _since_exec() or 0.0
    from newsreader.store.store import Store
    from newsreader.ui.app import make_app

    imports = time.perf_counter() - t0
    out: dict[str, Any] = {"imports_s": imports}

    async def wait_for(cond: Any, timeout: float = 60.0) -> float:
        start = time.perf_counter()
        while not cond():
            if time.perf_counter() - start > timeout:
                raise TimeoutError("the app did not reach the expected state")
            await asyncio.sleep(0.002)
        return time.perf_counter()

    async def main() -> None:
        import inspect

        # The CLI's path when the app can open the store itself (in a worker, after its first
        # frame); otherwise open it here and hand it over.
        opens_itself = "db_url" in inspect.signature(make_app).parameters
        store = None if opens_itself else Store(args["url"])
        out["store_s"] = time.perf_counter() - t0 - imports
        out["app_opens_store"] = opens_itself
        app = make_app(db_url=args["url"]) if opens_itself else make_app(store)
        seen: list[tuple[float, str]] = []
        shown: dict[str, float] = {}
        expected: list[str] = [""]
        arrived = asyncio.Event()

        def hook(message: Any) -> None:
            # Runs on the event loop as each message is dispatched: no polling, so nothing
            # competes with the search worker for the GIL while a keystroke is timed.
            name = type(message).__name__
            if name in _STAGES:
                now = time.perf_counter()
                seen.append((now, name))
                if name == "Updated" and getattr(message, "query", None) == expected[0]:
                    shown.setdefault(expected[0], now)
                    arrived.set()

        async def until_shown(query: str, timeout: float = 60.0) -> float:
            if query not in shown:
                await asyncio.wait_for(arrived.wait(), timeout)
            arrived.clear()
            return shown.pop(query)

        async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
            ready = time.perf_counter()
            out["first_frame_s"] = ready - t0 + exec_before
            painted = await until_shown("")
            out["first_paint_s"] = painted - t0 + exec_before
            out["first_paint_in_process_s"] = painted - t0
            opened = store if store is not None else app.store
            warm = await wait_for(lambda: opened.index.vocabulary_size > 0)
            out["index_warm_after_paint_s"] = warm - painted
            keys: list[float] = []
            labels: list[str] = []
            marks: list[float] = []
            driver = app._driver
            assert driver is not None
            if args.get("keystrokes"):
                await pilot.press("slash")
                texts = args["texts"]
                for text in texts:
                    value = ""
                    for ch in text:
                        value += ch
                        await asyncio.sleep(0.1)
                        expected[0] = value
                        arrived.clear()
                        t = time.perf_counter()
                        key = events.Key(ch if ch.isalnum() else _KEYS.get(ch, ch), ch)
                        key.set_sender(app)
                        driver.send_message(key)
                        done = await until_shown(value)
                        keys.append(done - t)
                        labels.append(value)
                        marks.append(t)
                    expected[0] = ""
                    arrived.clear()
                    await pilot.press("escape")
                    await until_shown("")
            out["keystroke_s"] = keys
            out["keystroke_queries"] = labels
            out["stages_s"] = _stages(seen, marks)
        (store if store is not None else app.store).close()

    asyncio.run(main())
    out.update(peak_rss_mb())
    return out


def phase_tantivy(args: dict[str, Any]) -> dict[str, Any]:
    """The tantivy anchor (benchmarks/tantivy_anchor.py), imported only when asked for."""
    from benchmarks import tantivy_anchor

    return tantivy_anchor.phase(args)


PHASES = {
    "import": phase_import,
    "open": phase_open,
    "search": phase_search,
    "app": phase_app,
    "tantivy": phase_tantivy,
}


def main() -> None:
    phase, args_path, out_path = sys.argv[1:4]
    args = json.loads(Path(args_path).read_text())
    result = PHASES[phase](args)
    Path(out_path).write_text(json.dumps(result))


if __name__ == "__main__":
    main()
