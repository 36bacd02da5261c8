"""A/B of the library search (and tantivy) on the cached store, runs alternating.

The machine is shared and noisy: one run of each tells little. This runs the `search` child
phase (the same queries, order and eval as `benchmarks.run`) from two checkouts in turn, on
the store the last import left, and prints each run and the median over runs.

    python -m benchmarks.ab --size 100k --runs 5 --base ../searchspeed-base [--tantivy 2]

Each checkout's own `newsreader` answers (PYTHONPATH and cwd are the checkout); the queries
are made here once. `--tantivy N` adds N tantivy runs (build + the same queries), between.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import ROOT, quality
from benchmarks.corpus import GENERATOR_VERSION, ensure_corpus, size_label
from benchmarks.queries import eval_cases, latency_queries
from benchmarks.run import load_titles


def run_child(tree: Path, phase: str, args: dict[str, Any]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="nr-ab-") as tmp:
        a, o = Path(tmp) / "args.json", Path(tmp) / "out.json"
        a.write_text(json.dumps(args))
        env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(tree)}
        subprocess.run(
            [sys.executable, "-m", "benchmarks.child", phase, str(a), str(o)],
            cwd=tree,
            env=env,
            check=True,
        )
        result: dict[str, Any] = json.loads(o.read_text())
        return result


def summary(times: list[float], kinds: list[str]) -> dict[str, float]:
    t = np.asarray(times) * 1000
    keys = t[np.array([k == "keystroke" for k in kinds])]
    return {
        "all_med": float(np.median(t)),
        "all_p95": float(np.percentile(t, 95)),
        "key_med": float(np.median(keys)),
        "key_p95": float(np.percentile(keys, 95)),
    }


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.ab")
    p.add_argument("--size", default="100k")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--base", type=Path, required=True, help="the other checkout")
    p.add_argument("--tantivy", type=int, default=0)
    p.add_argument("--eval-targets", type=int, default=500)
    p.add_argument("--out", type=Path, help="write every run's per-query seconds here")
    opts = p.parse_args()
    n = int(float(opts.size.lower().replace("k", "e3").replace("m", "e6")))
    corpus, _ = ensure_corpus(n)
    titles = load_titles(corpus, n)
    queries = latency_queries(titles)
    cases = eval_cases(titles, opts.eval_targets)
    kinds = [q.kind for q in queries]
    store = ROOT / ".cache" / f"store-{size_label(n)}-g{GENERATOR_VERSION}.db"
    args = {
        "queries": [q.text for q in queries],
        "eval": {"as_typed": [c.as_typed() for c in cases]},
        "eval_targets": [c.target for c in cases],
    }
    trees = {"base": opts.base.resolve(), "new": ROOT.parent}
    rows: dict[str, list[dict[str, float]]] = {name: [] for name in [*trees, "tantivy"]}
    raw: dict[str, list[list[float]]] = {name: [] for name in rows}
    tantivy_left = opts.tantivy
    for run in range(opts.runs):
        for name, tree in trees.items():
            out = run_child(
                tree, "search", {**args, "url": f"sqlite:///{store}", "check": [], "warm_rounds": 0}
            )
            q = quality(np.array(out["eval"]["as_typed"]["ranks"]))
            row = {**summary(out["cold_s"], kinds), "recall5": q["recall5"], "mrr": q["mrr"]}
            rows[name].append(row)
            raw[name].append(out["cold_s"])
            print(name, run, {k: round(v, 3) for k, v in row.items()}, flush=True)
        if tantivy_left:
            tantivy_left -= 1
            out = run_child(trees["new"], "tantivy", {**args, "corpus": str(corpus)})
            q = quality(np.array(out["eval"]["as_typed"]))
            row = {**summary(out["times"], kinds), "recall5": q["recall5"], "mrr": q["mrr"]}
            rows["tantivy"].append(row)
            raw["tantivy"].append(out["times"])
            print("tantivy", run, {k: round(v, 3) for k, v in row.items()}, flush=True)
    print("medians over runs (ms; keystroke = the keystroke prefixes, cold pass in order):")
    for name, runs in rows.items():
        if runs:
            med = {k: round(float(np.median([r[k] for r in runs])), 3) for k in runs[0]}
            print(f"  {name} x{len(runs)}: {med}")
    print("each query's fastest run, then median / p95 over queries (less noise from others):")
    for name, times in raw.items():
        if times:
            best = summary(np.min(np.asarray(times), axis=0).tolist(), kinds)
            print(f"  {name} x{len(times)}: { ({k: round(v, 3) for k, v in best.items()}) }")
    if opts.out:
        opts.out.write_text(json.dumps({"kinds": kinds, "raw": raw, "rows": rows}))


if __name__ == "__main__":
    main()
