"""A whole command timed in a subprocess, with the peak memory of its process tree.

Why sample /proc: `ru_maxrss` of RUSAGE_CHILDREN (and `/usr/bin/time -v`, which reports it)
is the largest single process's peak, not what a command's processes hold together while a
parent writes and its workers tokenize. So every SAMPLE_S the tree below the child is walked
(by the ppid of every /proc/*/stat) and the sum of its VmRSS is kept; the peak of that sum is
the headline. Two more figures bound it: the same sum with shared pages counted once (Pss
from smaps_rollup: forked workers share their parent's pages), and the sum over every process
seen of its own VmHWM (an upper bound that also catches spikes between samples).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_S = 0.05
HOW = (
    f"peak of the summed VmRSS of the command's process tree, sampled from /proc every "
    f"{SAMPLE_S * 1000:.0f} ms (ru_maxrss and /usr/bin/time -v give one process's peak only)"
)


@dataclass
class Measured:
    """One command's wall time, exit code, output and memory."""

    wall_s: float
    returncode: int
    stdout: str
    stderr: str
    peak_rss_mb: float = 0.0
    """Peak of the tree's summed VmRSS (sampled)."""
    peak_pss_mb: float = 0.0
    """Peak of the tree's summed Pss (shared pages counted once; sampled)."""
    hwm_sum_mb: float = 0.0
    """Sum of each process's own VmHWM: an upper bound."""
    processes: int = 0
    hwm: dict[int, float] = field(default_factory=dict)


def _parents() -> dict[int, list[int]]:
    """Every process's children, from the ppid field of /proc/*/stat (the kernel's own
    /proc/PID/task/*/children needs CONFIG_PROC_CHILDREN, which not every kernel has)."""
    out: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue  # gone since the listing
        out.setdefault(ppid, []).append(int(entry))
    return out


def tree(root: int) -> list[int]:
    """The pid and every descendant still alive."""
    children = _parents()
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _status_kb(pid: int, keys: tuple[str, ...]) -> dict[str, int]:
    out: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key = line.split(":", 1)[0]
            if key in keys:
                out[key] = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return out


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def run(
    argv: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 7200,
) -> Measured:
    """Run argv to completion (stdout/stderr captured) while sampling its process tree."""
    stop = threading.Event()
    peaks = {"rss": 0, "pss": 0}
    hwm: dict[int, int] = {}
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        list(argv),
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )

    def sample() -> None:
        while not stop.is_set():
            rss = pss = 0
            for pid in tree(proc.pid):
                kb = _status_kb(pid, ("VmRSS", "VmHWM"))
                rss += kb.get("VmRSS", 0)
                pss += _pss_kb(pid)
                hwm[pid] = max(hwm.get(pid, 0), kb.get("VmHWM", 0))
            peaks["rss"] = max(peaks["rss"], rss)
            peaks["pss"] = max(peaks["pss"], pss)
            stop.wait(SAMPLE_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    wall = time.perf_counter() - t0
    stop.set()
    sampler.join()
    return Measured(
        wall_s=wall,
        returncode=proc.returncode,
        stdout=out,
        stderr=err,
        peak_rss_mb=peaks["rss"] / 1024,
        peak_pss_mb=peaks["pss"] / 1024,
        hwm_sum_mb=sum(hwm.values()) / 1024,
        processes=len(hwm),
        hwm={pid: kb / 1024 for pid, kb in hwm.items()},
    )
