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
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import anchors
from benchmarks.corpus import (
    CACHE,
    GENERATOR_VERSION,
    ensure_corpus,
    parse_size,
    read_corpus,
    size_label,
)
from benchmarks.queries import EvalCase, LatencyQuery, eval_cases, latency_queries

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"
KINDS = ("typo", "prefix", "full", "entity", "keystroke")
FZF_QUERIES = 40
"""fzf is one process per query over the whole lines file (seconds each at 100k): a sample."""
FZF_QUERIES_LARGE = 25
"""The sample above 10k articles, where each fzf call takes seconds."""
RAPIDFUZZ_QUERIES = 80
ANCHOR_EVAL_TARGETS = 200
"""rapidfuzz WRatio costs ~0.4 s per query at 100k, so its eval uses the first 200 targets."""
FZF_EVAL_MAX_SIZE = 10_000
FZF_EVAL_TARGETS = 60

TARGETS = {
    "keystroke_median_ms": 16.0,
    "keystroke_p95_ms": 50.0,
    "first_paint_s": 1.0,
    "import_per_s": 5000.0,
    "rss_mb": 400.0,
    "fzf_speedup": 10.0,
    "recall5": 0.95,
    "mrr": 0.85,
}


# -- small helpers -------------------------------------------------------------------------


def stats(values: Sequence[float]) -> dict[str, float]:
    """Median, p95 and max of seconds, in milliseconds."""
    if not values:
        return {"n": 0, "median_ms": float("nan"), "p95_ms": float("nan"), "max_ms": float("nan")}
    a = np.asarray(values, dtype=np.float64) * 1000
    return {
        "n": len(a),
        "median_ms": float(np.median(a)),
        "p95_ms": float(np.percentile(a, 95)),
        "max_ms": float(a.max()),
    }


def child(phase: str, args: dict[str, Any], timeout: float = 1800) -> dict[str, Any]:
    """Run one phase in a fresh interpreter and return its JSON."""
    with tempfile.TemporaryDirectory(prefix="nr-bench-") as tmp:
        a, o = Path(tmp) / "args.json", Path(tmp) / "out.json"
        a.write_text(json.dumps(args))
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.child", phase, str(a), str(o)],
            cwd=ROOT.parent,
            env=env,
            timeout=timeout,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"child {phase} failed:\n{proc.stderr[-4000:]}")
        result: dict[str, Any] = json.loads(o.read_text())
        return result


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


def quality(ranks: Sequence[int] | np.ndarray) -> dict[str, float]:
    """recall@5 and MRR@20 from 1-based ranks (0 = not in the top 20)."""
    r = np.asarray(ranks)
    if not len(r):
        return {"n": 0, "recall5": float("nan"), "mrr": float("nan")}
    rr = np.where(r > 0, 1.0 / np.maximum(r, 1), 0.0)
    return {
        "n": len(r),
        "recall5": float(((r > 0) & (r <= 5)).mean()),
        "recall20": float((r > 0).mean()),
        "mrr": float(rr.mean()),
    }


def rank_of(ids: list[int], target_id: int) -> int:
    return ids.index(target_id) + 1 if target_id in ids[:20] else 0


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
    search = child(
        "search",
        {
            "url": url,
            "queries": texts,
            "eval": variants,
            "eval_targets": [c.target for c in cases],
            "check": check,
            "warm_rounds": 2,
        },
    )
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
    try:
        for i in range(opts.open_runs):
            args = {"url": url, "texts": texts, "keystrokes": i == 0}
            runs.append(child("app", args, timeout=900))
    except Exception as error:
        return {"missing": "app measurement failed: " + " ".join(str(error).split())[-600:]}
    return {
        "runs": runs,
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


def fmt_ms(x: float) -> str:
    if x != x:
        return "—"
    return f"{x:,.1f} ms" if x < 1000 else f"{x / 1000:,.2f} s"


def speed_text(speed: float) -> str:
    return f"{speed:,.1f}× faster" if speed >= 1 else f"{1 / speed:,.1f}× slower"


def verdict(ok: bool | None) -> str:
    return "" if ok is None else ("ok" if ok else "MISS")


def print_table(out: dict[str, Any]) -> None:
    s = out["summary"]
    n, label = out["size"], out["label"]
    big = n >= 100_000
    rows: list[tuple[str, str, str, str, str]] = []

    def row(
        name: str, med: str = "", p95: str = "", target: str = "", ok: bool | None = None
    ) -> None:
        rows.append((name, med, p95, target, verdict(ok)))

    def lat(name: str, st: dict[str, float], target: str = "", ok: bool | None = None) -> None:
        row(f"{name} [n={st['n']}]", fmt_ms(st["median_ms"]), fmt_ms(st["p95_ms"]), target, ok)

    t_at = "" if big else " (at 100k)"

    def rss(name: str, mb: float, note: str = "") -> None:
        row(name, f"{mb:.0f} MB", note, "≤400 MB" + t_at, mb <= TARGETS["rss_mb"] if big else None)

    imp = s.get("import")
    if imp:
        runs = ", ".join(f"{r:,.0f}" for r in imp["per_s_runs"])
        row(
            f"import+index, articles/s [runs: {runs}]",
            f"{imp['per_s_median']:,.0f}",
            "",
            "≥5,000/s",
            imp["per_s_median"] >= TARGETS["import_per_s"],
        )
        row(
            "  without reading the corpus and building drafts",
            f"{imp['per_s_without_drafting']:,.0f}",
        )
        row(
            f"  import wall (last run; batches of {imp['batch']})",
            f"{imp['total_s'][-1]:.1f} s",
            f"drafts {imp['drafting_s'][-1]:.1f} s",
        )
        rss(
            "  peak RSS, import process",
            imp["peak_rss_mb"],
            f"(baseline {imp['baseline_rss_mb']:.0f} MB)",
        )
        row(
            f"  peak RSS, each of {imp['workers']} tokenizing workers",
            f"{imp['worker_peak_rss_mb']:.0f} MB",
        )
        row("  DB size on disk", f"{imp['db_mb']:.0f} MB")
    else:
        row("import+index", "skipped (--no-import: reused store)")
    o = s["open"]
    lat("store open, restarted process", o["store"])
    lat("index open (index.load), restarted", o["load"])
    lat("first query after open ('e')", o["first_query"])
    row("  vocabulary terms", f"{o['vocabulary']:,}")
    rss("  peak RSS, open process", o["peak_rss_mb"])
    se = s["search"]
    lat("search, all queries, first run", se["all_cold"])
    for k in KINDS:
        st = se["by_kind"][k]
        if k == "keystroke":
            ok_k = st["median_ms"] <= 16 and st["p95_ms"] <= 50
            lat(f"  {k} (library)", st, "≤16 / ≤50 ms" + t_at, ok_k if big else None)
        else:
            lat(f"  {k}", st)
    lat("  eval queries (1–3 typo'd words)", se["eval_queries"])
    lat("search, all queries, repeated (cached)", se["all_warm"])
    rss("peak RSS, search process", se["peak_rss_mb"])

    app = out["app"]
    if "missing" in app:
        row("app: first paint / keystroke→list", "missing: " + app["missing"][:60])
    else:
        ff = stats([r["first_frame_s"] for r in app["runs"] if "first_frame_s" in r])
        if ff["n"]:
            row(
                f"app: startup to first frame [n={ff['n']}]",
                fmt_ms(ff["median_ms"]),
                fmt_ms(ff["p95_ms"]),
            )
        fp = stats(app["first_paint_s"])
        row(
            f"app: startup to list shown (first paint) [n={fp['n']}]",
            fmt_ms(fp["median_ms"]),
            fmt_ms(fp["p95_ms"]),
            "≤1.0 s" + t_at,
            fp["median_ms"] <= 1000 if big else None,
        )
        ks = stats(app["keystroke_s"])
        row(
            f"app: keystroke→list [n={ks['n']}]",
            fmt_ms(ks["median_ms"]),
            fmt_ms(ks["p95_ms"]),
            "≤16 / ≤50 ms" + t_at,
            (ks["median_ms"] <= 16 and ks["p95_ms"] <= 50) if big else None,
        )
        stages = app["runs"][0].get("stages_s", {})
        done = [x for x in stages.get("SearchFinished", []) if x is not None]
        if done:
            lat("  of which key→search worker done", stats(done))
        if app.get("peak_rss_mb"):
            rss("app: peak RSS", app["peak_rss_mb"])

    anc = s["anchors"]
    names = {
        "fzf": "fzf --filter",
        "fts5": "SQLite FTS5 (exact, bm25)",
        "rapidfuzz": "rapidfuzz WRatio, titles",
    }
    for key in ("fzf", "fts5", "rapidfuzz"):
        a = anc.get(key)
        if a is None:
            miss = out["anchors"].get(key, {}).get("missing")
            if miss:
                row(f"anchor {names[key]}", "missing: " + miss)
            continue
        st = a["theirs"]
        lat(f"anchor {names[key]}", st)
        mine = a["ours_same_queries"]
        speed = 1 / a["ratio_median"]
        tgt, ok = "", None
        if key == "fzf":
            tgt, ok = "≥10× faster" + t_at, (speed >= TARGETS["fzf_speedup"]) if big else None
        row(
            f"  ours/{key} (median; same {mine['n']} queries)",
            f"{a['ratio_median']:.3f} ({speed_text(speed)})",
            f"{a['ratio_p95']:.3f}",
            tgt,
            ok,
        )

    qu = s["quality"]
    ours = qu["ours"]
    row(f"quality: recall@5 / MRR@20, {qu['targets']} targets", "recall@5", "MRR@20")
    for v, name in (
        ("as_typed", "as typed (last word prefix)"),
        ("committed", "committed (trailing space)"),
        ("no_typo", "no typo (ceiling)"),
        ("as_drawn", "as typed, k as drawn (no word added)"),
    ):
        e = ours[v]
        row(
            f"  ours, {name}",
            f"{e['recall5']:.1%}",
            f"{e['mrr']:.3f}",
            "≥95% / ≥0.85" if v == "as_typed" else "",
            (e["recall5"] >= 0.95 and e["mrr"] >= 0.85) if v == "as_typed" else None,
        )
    e = ours["as_typed_unambiguous"]
    row(f"  ours, as typed, {e['n']} unambiguous targets", f"{e['recall5']:.1%}", f"{e['mrr']:.3f}")
    row(f"  targets whose clean words fit >5 titles: {qu['ambiguous_targets']}")
    for key in ("fts5", "rapidfuzz", "fzf"):
        a = anc.get(key)
        if not a or "quality" not in a:
            continue
        for v, e in a["quality"].items():
            mine = a["ours_same_targets"][v]
            row(
                f"  {key}, {v.replace('_', ' ')} [{e['n']} targets]",
                f"{e['recall5']:.1%}",
                f"{e['mrr']:.3f}",
                f"ours: {mine['recall5']:.1%} / {mine['mrr']:.3f}",
            )

    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    header = ("metric", "median", "p95", "target", "")
    widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
    line = "  ".join("-" * w for w in widths)
    print(f"\n=== {label} articles ({n:,}) ===")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
    print(line)
    for r in rows:
        cells = [
            r[0].ljust(widths[0]),
            r[1].rjust(widths[1]),
            r[2].rjust(widths[2]),
            r[3].ljust(widths[3]),
            r[4],
        ]
        print("  ".join(cells).rstrip())


def print_protocol(batch: int) -> None:
    fzf_n = f"{FZF_QUERIES} queries, {FZF_QUERIES_LARGE} above 10k"
    print(
        f"""Protocol (same corpus and queries for every system; generator v{GENERATOR_VERSION}):
- import: fresh SQLite store per run, one store.add(parallel=True) over the corpus as
  `newsreader import` calls it (batches of {batch}; reading the corpus is timed too),
  each size in its own process; RSS = VmHWM of that process.
- index open: Store() then index.load() in a new process (OS page cache warm), 5 runs.
- search: ~300 queries in one new process: typo = 1–3 title words, a typo each; prefix =
  words + a cut-off word as if mid-typing; full = whole words + space; entity = hand-picked
  names, codes, ASCII-typed accents, a phrase; keystroke = every prefix of 6 texts. "first
  run" = each query once in order (caches warm up as a user's would); limit=None.
- app: headless run_test 120x40 in a new process, make_app(db_url=...) as the CLI does. First
  frame = exec to run_test up; first paint = exec to the full list shown (ArticleList.Updated
  for ""). Keystroke = key event sent to the driver -> ArticleList.Updated for the bar's new
  value; keys 0.1 s apart; the same 6 texts as the keystroke class.
- quality: random targets; query = the target title's k lowest-title-df words (no stopwords,
  ≥3 letters), k drawn from 1–3 and raised (to 3 at most) while the k clean words fit >5
  titles, as a person adds a word to a query that finds too much ("k as drawn" = without
  that step); typed in ASCII, title order; one typo on each alphabetic
  word of ≥4 letters (deletion/substitution by QWERTY neighbour/transposition/insertion,
  first letter kept). Relevant = the target only. recall@5, MRR@20.
- anchors: fzf, 1 process/query, over id+title+source+first {anchors.FZF_BODY_CHARS} body chars
  ({fzf_n}); FTS5 bm25 (10/5/1), remove_diacritics, last word prefix *; rapidfuzz
  process.extract WRatio limit 20 over pre-processed titles ({RAPIDFUZZ_QUERIES} queries; eval
  on the first {ANCHOR_EVAL_TARGETS} targets). Ratio = ours/anchor, same queries (<1 = faster)."""
    )


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
    for n in sizes:
        t = time.perf_counter()
        result = bench_size(n, opts)
        result["elapsed_s"] = time.perf_counter() - t
        report["sizes"][size_label(n)] = result
        print_table(result)
        print(f"({size_label(n)} took {result['elapsed_s']:.0f} s)", flush=True)
        opts.out.parent.mkdir(parents=True, exist_ok=True)
        opts.out.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    report["elapsed_s"] = time.perf_counter() - started
    opts.out.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print(f"\ntotal {report['elapsed_s']:.0f} s; figures in {opts.out}")


if __name__ == "__main__":
    main()
