"""One throwaway PostgreSQL per test file (scripts/pg), stopped by its PID.

    with PgServer() as pg:
        pg.url            postgresql://mnemo@127.0.0.1:PORT/mnemo
        pg.pause()        stop it, keep its data (an outage)
        pg.resume()       start it again on the same port
        pg.sql("...")     run a query with psql, return its output
Tests skip (exit 77) when postgresql-15 is not installed.
"""

import os
import shutil
import subprocess
import sys

SOURCE_DIR = os.environ.get("MNEMO_SOURCE_DIR",
                            os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
PG_SCRIPT = os.path.join(SOURCE_DIR, "scripts", "pg")
INITDB = "/usr/lib/postgresql/15/bin/initdb"


def skip_without_postgres():
    if not os.path.exists(INITDB) or shutil.which("psql") is None:
        print("skip: postgresql-15 is not installed (scripts/setup installs it)")
        sys.exit(77)


class PgServer:
    def __enter__(self):
        out = subprocess.run([PG_SCRIPT, "start"], capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise AssertionError("scripts/pg start failed:\n" + out.stderr)
        self.url = out.stdout.strip().splitlines()[-1]
        self.dir = [l for l in out.stderr.splitlines() if l.startswith("PGDIR=")][0][6:]
        return self

    def __exit__(self, *exc):
        subprocess.run([PG_SCRIPT, "stop", self.dir], timeout=120, check=False)

    def pause(self):
        subprocess.run([PG_SCRIPT, "pause", self.dir], timeout=120, check=True)

    def resume(self):
        subprocess.run([PG_SCRIPT, "resume", self.dir], timeout=120, check=True,
                       stdout=subprocess.DEVNULL)

    def sql(self, query):
        out = subprocess.run(["psql", self.url, "-At", "-c", query], capture_output=True,
                             text=True, timeout=60)
        if out.returncode != 0:
            raise AssertionError("psql failed: " + out.stderr)
        return out.stdout.strip()
