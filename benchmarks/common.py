"""Helpers the driver and the issue's rows share: stats, child processes, quality, formats."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent
KINDS = ("typo", "prefix", "full", "entity", "keystroke")

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


def fmt_ms(x: float) -> str:
    if x != x:
        return "—"
    return f"{x:,.1f} ms" if x < 1000 else f"{x / 1000:,.2f} s"


def speed_text(speed: float) -> str:
    return f"{speed:,.1f}× faster" if speed >= 1 else f"{1 / speed:,.1f}× slower"


def verdict(ok: bool | None) -> str:
    return "" if ok is None else ("ok" if ok else "MISS")
