"""A throwaway PostgreSQL server for the tests: initdb in a temp dir, unix socket only.

`.ci/run` starts one and exports `NEWSREADER_TEST_PG`; a developer's plain `pytest` starts
its own here when the server binaries are on the machine. PostgreSQL refuses to run as
root, so as root it runs as the `postgres` user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

ENV = "NEWSREADER_TEST_PG"


def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    return None


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    runuser = shutil.which("runuser")
    if runuser is None:
        raise RuntimeError("running as root and no runuser to drop to the postgres user")
    return [runuser, "-u", "postgres", "--", *cmd]


class TempPostgres:
    def __init__(self) -> None:
        initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
        if not (initdb and pg_ctl):
            raise RuntimeError("initdb/pg_ctl not found (install Debian's postgresql package)")
        self.pg_ctl = pg_ctl
        self.dir = Path(tempfile.mkdtemp(prefix="newsreader-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self.data = self.dir / "data"
        subprocess.run(
            _as_server_user(
                [
                    initdb,
                    "-D",
                    str(self.data),
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "--no-sync",
                    "-E",
                    "UTF8",
                ]
            ),
            check=True,
            capture_output=True,
        )
        options = f"-k {self.dir} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
        subprocess.run(
            _as_server_user(
                [
                    pg_ctl,
                    "-D",
                    str(self.data),
                    "-o",
                    options,
                    "-l",
                    str(self.dir / "log"),
                    "-w",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )
        self.url = f"postgresql+psycopg://postgres@/postgres?host={self.dir}"

    def stop(self) -> None:
        subprocess.run(
            _as_server_user([self.pg_ctl, "-D", str(self.data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(self.dir, ignore_errors=True)
