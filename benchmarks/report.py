"""The printed report: the protocol, and one table per size (figures beside targets)."""

from __future__ import annotations

from typing import Any

from benchmarks import anchors
from benchmarks.common import KINDS, TARGETS, fmt_ms, speed_text, stats, verdict
from benchmarks.corpus import GENERATOR_VERSION

FZF_QUERIES = 40
"""fzf is one process per query over the whole lines file (seconds each at 100k): a sample."""
FZF_QUERIES_LARGE = 25
"""The sample above 10k articles, where each fzf call takes seconds."""
RAPIDFUZZ_QUERIES = 80
ANCHOR_EVAL_TARGETS = 200
"""rapidfuzz WRatio costs ~0.4 s per query at 100k, so its eval uses the first 200 targets."""


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
        failed = app.get("failed", [])
        for error in failed:
            row(f"  a run FAILED ({len(failed)} of {len(app['runs']) + len(failed)})", error[-90:])
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
