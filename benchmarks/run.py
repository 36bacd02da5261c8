"""The benchmark driver: `python -m benchmarks.run --sizes 1k,10k,100k`.

Per size: generate (or reuse) the corpus; import it into a fresh store in a child process;
restart-and-open the index in fresh processes; run the query set and the quality eval in
another; run the same queries through the anchors (fzf, FTS5, rapidfuzz); and, when the app
exists, measure first paint and keystroke latency inside it. Prints one table per size and
writes every raw figure to benchmarks/results/latest.json. Timings are printed with targets
and as ratios to anchors measured in the same run: nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import anchors, speed
from benchmarks.common import (
    KINDS,
    TARGETS,
    child,
    quality,
    rank_of,
    stats,
)
from benchmarks.corpus import (
    CACHE,
    GENERATOR_VERSION,
    ensure_corpus,
    parse_size,
    read_corpus,
    size_label,
)
from benchmarks.queries import EvalCase, LatencyQuery, eval_cases, latency_queries
from benchmarks.report import (
    ANCHOR_EVAL_TARGETS,
    FZF_QUERIES,
    FZF_QUERIES_LARGE,
    RAPIDFUZZ_QUERIES,
    print_protocol,
    print_table,
)

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"
FZF_EVAL_MAX_SIZE = 10_000
FZF_EVAL_TARGETS = 60


# -- small helpers -------------------------------------------------------------------------


def stratified(queries: list[LatencyQuery], total: int) -> list[int]:
    """Indices of about `total` queries, evenly spread within each class."""
    per = max(1, total // len(KINDS))
    out: list[int] = []
    for kind in KINDS:
        idx = [i for i, q in enumerate(queries) if q.kind == kind]
        if len(idx) > per:
            idx = [idx[int(j)] for j in np.linspace(0, len(idx) - 1, per)]
        out.extend(idx)
    return sorted(out)


def timed(fn: Callable[[str], object], texts: Sequence[str]) -> list[float]:
    out = []
    for text in texts:
        t = time.perf_counter()
        fn(text)
        out.append(time.perf_counter() - t)
    return out


def load_titles(corpus: Path, n: int) -> list[str]:
    path = CACHE / f"titles-{size_label(n)}-g{GENERATOR_VERSION}.json"
    if path.exists():
        titles: list[str] = json.loads(path.read_text())
        return titles
    titles = [a.title for a in read_corpus(corpus)]
    path.write_text(json.dumps(titles, ensure_ascii=False))
    return titles


# -- the app (measured only once newsreader/ui/app.py has make_app) --------------------------


def app_available() -> tuple[bool, str]:
    try:
        from newsreader.ui import app
    except Exception as error:  # the module is being written: any failure means "not yet"
        return False, f"newsreader.ui.app does not import ({type(error).__name__}: {error})"
    if not hasattr(app, "make_app"):
        return False, "newsreader/ui/app.py has no make_app"
    return True, ""


# -- one size ------------------------------------------------------------------------------


def bench_size(n: int, opts: argparse.Namespace) -> dict[str, Any]:
    label = size_label(n)
    out: dict[str, Any] = {"size": n, "label": label}

    def log(msg: str) -> None:
        print(f"  [{label}] {msg}", file=sys.stderr, flush=True)

    corpus, generated = ensure_corpus(n)
    out["corpus"] = {"path": str(corpus), "generated_s": generated, "version": GENERATOR_VERSION}
    log("corpus " + (f"generated in {generated:.1f}s" if generated else "cached"))
    titles = load_titles(corpus, n)
    queries = latency_queries(titles)
    cases = eval_cases(titles, opts.eval_targets)
    texts = [q.text for q in queries]
    out["queries"] = [{"text": q.text, "kind": q.kind} for q in queries]

    # Import + index into a fresh store (the last run's store is kept for the other phases).
    store_db = CACHE / f"store-{label}-g{GENERATOR_VERSION}.db"
    url = f"sqlite:///{store_db}"
    imports: list[dict[str, Any]] = []
    if opts.no_import and store_db.exists():
        log("import skipped (--no-import): reusing the cached store")
    else:
        runs = opts.import_runs or (3 if n <= 10_000 else 1)
        for i in range(runs):
            log(f"import run {i + 1}/{runs}")
            imports.append(
                child("import", {"db": str(store_db), "corpus": str(corpus), "batch": opts.batch})
            )
    out["import"] = imports

    # Index open on restarted processes.
    log(f"index open x{opts.open_runs}")
    out["open"] = [child("open", {"url": url}) for _ in range(opts.open_runs)]

    # Queries and the eval in one more fresh process.
    variants = {
        "as_typed": [c.as_typed() for c in cases],
        "committed": [c.committed() for c in cases],
        "no_typo": [c.clean() for c in cases],
        "as_drawn": [c.as_drawn() for c in cases],
    }
    log(f"search: {len(texts)} queries, {len(cases)} eval targets x{len(variants)} variants")
    check = [c.target for c in cases[:50]]
    search_args = {
        "queries": texts,
        "eval": variants,
        "eval_targets": [c.target for c in cases],
    }
    search = child("search", {**search_args, "url": url, "check": check, "warm_rounds": 2})
    mismatched = [i for i in check if search["check_titles"].get(str(i)) != titles[i]]
    if mismatched:
        raise RuntimeError(f"store ids do not follow corpus order (corpus index {mismatched[0]})")
    out["search"] = search
    out["eval_cases"] = [
        {
            "target": c.target,
            "words": c.words,
            "typod": c.typod,
            "kinds": c.kinds,
            "ambiguity": c.ambiguity,
            "drawn": c.drawn,
        }
        for c in cases
    ]

    out["anchors"] = {} if opts.no_anchors else run_anchors(n, corpus, titles, queries, cases, log)
    out["app"] = run_app(url, titles, opts, log)
    out["issue"] = speed.run_all(n, corpus, store_db, search_args, opts, log)
    out["summary"] = summarise(out, queries, cases)
    return out


def run_anchors(
    n: int,
    corpus: Path,
    titles: list[str],
    queries: list[LatencyQuery],
    cases: list[EvalCase],
    log: Callable[[str], None],
) -> dict[str, Any]:
    res: dict[str, Any] = {}
    texts = [q.text for q in queries]

    log("anchor: FTS5")
    fts = anchors.Fts5(corpus, n)
    timed(fts.search, texts[:20])  # page the DB in, as our index is paged in by load()
    res["fts5"] = {
        "build_s": fts.build_s,
        "query_idx": list(range(len(texts))),
        "times": timed(fts.search, texts),
        "hits": [fts.count(t) for t in texts],
        "eval": {
            "as_typed": [rank_of(fts.search(c.as_typed()), c.target + 1) for c in cases],
            "committed": [rank_of(fts.search(c.committed()), c.target + 1) for c in cases],
            "no_typo": [rank_of(fts.search(c.clean()), c.target + 1) for c in cases],
        },
    }
    fts.close()

    log("anchor: rapidfuzz")
    rf = anchors.Titles(titles)
    idx = stratified(queries, RAPIDFUZZ_QUERIES)
    sub = cases[:ANCHOR_EVAL_TARGETS]
    res["rapidfuzz"] = {
        "query_idx": idx,
        "times": timed(rf.search, [texts[i] for i in idx]),
        "eval_targets": len(sub),
        "eval": {
            "as_typed": [
                rank_of(top, c.target + 1)
                for top, c in zip(rf.top_many([c.as_typed() for c in sub]), sub, strict=True)
            ],
            "no_typo": [
                rank_of(top, c.target + 1)
                for top, c in zip(rf.top_many([c.clean() for c in sub]), sub, strict=True)
            ],
        },
    }

    if anchors.FZF is None:
        res["fzf"] = {"missing": "fzf is not installed (apt-get install fzf)"}
        return res
    log("anchor: fzf")
    lines = anchors.fzf_lines(corpus, n)
    idx = stratified(queries, FZF_QUERIES if n <= FZF_EVAL_MAX_SIZE else FZF_QUERIES_LARGE)
    anchors.fzf_time(lines, texts[0])  # page the lines file in
    fzf: dict[str, Any] = {
        "version": anchors.fzf_version(),
        "input": f"id<TAB>title<TAB>source<TAB>first {anchors.FZF_BODY_CHARS} body chars; "
        "--nth 2.. (id not matched)",
        "query_idx": idx,
        "times": [anchors.fzf_time(lines, texts[i]) for i in idx],
    }
    if n <= FZF_EVAL_MAX_SIZE:
        sub = cases[:FZF_EVAL_TARGETS]
        fzf["eval_targets"] = len(sub)
        fzf["eval"] = {
            "as_typed": [
                rank_of([i + 1 for i in anchors.fzf_top(lines, c.as_typed())], c.target + 1)
                for c in sub
            ]
        }
    res["fzf"] = fzf
    return res


def run_app(
    url: str, titles: list[str], opts: argparse.Namespace, log: Callable[[str], None]
) -> dict[str, Any]:
    if opts.no_app:
        return {"missing": "skipped (--no-app)"}
    ok, why = app_available()
    if not ok:
        return {"missing": why}
    from benchmarks.queries import keystroke_texts

    log(f"app: first paint x{opts.open_runs}, keystrokes in the first run")
    texts = keystroke_texts(titles)
    runs: list[dict[str, Any]] = []
    failed: list[str] = []
    # A run that fails (the app crashing on exit, say) is reported but does not void the
    # others: the first run that succeeds is the one that types (runs[0]).
    for _ in range(opts.open_runs):
        try:
            args = {"url": url, "texts": texts, "keystrokes": not runs}
            runs.append(child("app", args, timeout=900))
        except Exception as error:
            failed.append(" ".join(str(error).split())[-600:])
    if not runs:
        return {"missing": "app measurement failed: " + failed[-1]}
    return {
        "runs": runs,
        "failed": failed,
        "first_paint_s": [r["first_paint_s"] for r in runs],
        "keystroke_s": runs[0]["keystroke_s"],
        "keystroke_queries": runs[0]["keystroke_queries"],
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "texts": texts,
    }


# -- summary and printing ------------------------------------------------------------------


def summarise(
    out: dict[str, Any], queries: list[LatencyQuery], cases: list[EvalCase]
) -> dict[str, Any]:
    s: dict[str, Any] = {}
    search = out["search"]
    cold = search["cold_s"]
    warm = [t for rnd in search["warm_s"] for t in rnd]
    if out["import"]:
        rates = [r["added"] / r["total_s"] for r in out["import"]]
        s["import"] = {
            "per_s_runs": rates,
            "per_s_median": float(np.median(rates)),
            "per_s_without_drafting": float(
                np.median([r["added"] / (r["total_s"] - r["drafting_s"]) for r in out["import"]])
            ),
            "batch": out["import"][-1]["batch"],
            "total_s": [r["total_s"] for r in out["import"]],
            "drafting_s": [r["drafting_s"] for r in out["import"]],
            "peak_rss_mb": max(r["peak_rss_mb"] for r in out["import"]),
            "workers": out["import"][-1]["workers"],
            "worker_peak_rss_mb": max(r["worker_peak_rss_mb"] for r in out["import"]),
            "baseline_rss_mb": out["import"][-1]["rss_before"]["peak_rss_mb"],
            "db_mb": out["import"][-1]["db_mb"],
        }
    s["open"] = {
        "store": stats([r["store_s"] for r in out["open"]]),
        "load": stats([r["load_s"] for r in out["open"]]),
        "first_query": stats([r["first_query_s"] for r in out["open"]]),
        "vocabulary": out["open"][0]["vocabulary"],
        "peak_rss_mb": max(r["peak_rss_mb"] for r in out["open"]),
    }
    s["search"] = {
        "all_cold": stats(cold),
        "all_warm": stats(warm),
        "by_kind": {
            k: stats([t for t, q in zip(cold, queries, strict=True) if q.kind == k]) for k in KINDS
        },
        "eval_queries": stats(search["eval"]["as_typed"]["times"]),
        "peak_rss_mb": search["peak_rss_mb"],
    }
    amb = np.array([c.ambiguity for c in cases])
    q: dict[str, Any] = {}
    for variant, e in search["eval"].items():
        ranks = np.array(e["ranks"])
        q[variant] = quality(ranks)
        q[variant + "_unambiguous"] = quality(ranks[amb <= 5])
    s["quality"] = {"ours": q, "ambiguous_targets": int((amb > 5).sum()), "targets": len(cases)}
    anc = out["anchors"]
    ours = np.array(cold)
    s["anchors"] = {}
    for name in ("fts5", "rapidfuzz", "fzf"):
        a = anc.get(name)
        if not a or "times" not in a:
            continue
        idx = a["query_idx"]
        mine, theirs = ours[idx], np.array(a["times"])
        entry: dict[str, Any] = {
            "theirs": stats(theirs.tolist()),
            "ours_same_queries": stats(mine.tolist()),
            "ratio_median": float(np.median(mine) / np.median(theirs)),
            "ratio_p95": float(np.percentile(mine, 95) / np.percentile(theirs, 95)),
            "per_query_ratio_median": float(np.median(mine / theirs)),
        }
        kinds = {}
        for k in KINDS:
            sel = [j for j, i in enumerate(idx) if queries[i].kind == k]
            if sel:
                kinds[k] = {
                    "ours": stats(mine[sel].tolist()),
                    "theirs": stats(theirs[sel].tolist()),
                }
        entry["by_kind"] = kinds
        if "eval" in a:
            m = len(a["eval"]["as_typed"])
            entry["quality"] = {v: quality(r) for v, r in a["eval"].items()}
            entry["ours_same_targets"] = {
                v: quality(search["eval"][v]["ranks"][:m]) for v in a["eval"]
            }
        s["anchors"][name] = entry
    return s


def main(argv: Sequence[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    p.add_argument("--sizes", default="1k,10k,100k", help="comma-separated: 1k,10k,100k,25k…")
    p.add_argument("--batch", type=int, default=0, help="store.add batch (default: the store's)")
    p.add_argument("--import-runs", type=int, default=0, help="default: 3 up to 10k, else 1")
    p.add_argument("--open-runs", type=int, default=5)
    p.add_argument("--eval-targets", type=int, default=500)
    p.add_argument("--no-import", action="store_true", help="reuse the last run's store")
    p.add_argument("--no-anchors", action="store_true")
    p.add_argument("--no-app", action="store_true")
    p.add_argument("--no-keys", action="store_true", help="skip the on-screen (tmux) keys")
    p.add_argument("--keys-runs", type=int, default=1, help="keylatency.py --runs")
    p.add_argument("--keylatency", help="keylatency.py (default: ../shared/tools/)")
    p.add_argument("--newsreader", help="the command (default: the checkout's .venv/bin)")
    p.add_argument("--feeds", help="RSS files x items, e.g. 100x1000 (default: scaled)")
    p.add_argument("--no-feeds", action="store_true", help="skip feeds vs newsboat")
    p.add_argument("--texts", type=int, default=0, help="text files (default: size, ≤100k)")
    p.add_argument("--no-texts", action="store_true", help="skip the text-files import")
    p.add_argument("--no-tantivy", action="store_true", help="skip the tantivy anchor")
    p.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    opts = p.parse_args(argv)

    if not opts.batch:
        from newsreader.store import store as store_module

        opts.batch = int(getattr(store_module, "BATCH", 2000))
    started = time.perf_counter()
    sizes = [parse_size(s) for s in opts.sizes.split(",") if s.strip()]
    report: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "generator_version": GENERATOR_VERSION,
        "targets": TARGETS,
        "sizes": {},
    }
    print_protocol(opts.batch)
    print(speed.PROTOCOL)
    for n in sizes:
        t = time.perf_counter()
        result = bench_size(n, opts)
        result["elapsed_s"] = time.perf_counter() - t
        report["sizes"][size_label(n)] = result
        print_table(result)
        speed.print_rows(result)
        print(f"({size_label(n)} took {result['elapsed_s']:.0f} s)", flush=True)
        opts.out.parent.mkdir(parents=True, exist_ok=True)
        opts.out.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    report["elapsed_s"] = time.perf_counter() - started
    opts.out.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print(f"\ntotal {report['elapsed_s']:.0f} s; figures in {opts.out}")


if __name__ == "__main__":
    main()
