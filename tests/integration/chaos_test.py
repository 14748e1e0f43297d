"""A short run of scripts/chaos: SIGKILL under mixed load, then the contract."""
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
chaos = os.path.join(here, "..", "..", "scripts", "chaos")
rounds = os.environ.get("MNEMO_CHAOS_ROUNDS", "6")
# The loss window is measured by scripts/bench; here a loaded CI machine (and sanitizer
# builds) gets room, while prefix, durable-ack, MSET, TTL and ephemeral checks stay exact.
# Under tests/support/with_pg --journal the journal and snapshots are on PostgreSQL.
journal = os.environ.get("MNEMO_TEST_JOURNAL_URL", "")
extra = ["--journal", journal] if journal else []
r = subprocess.run(["/usr/bin/python3", chaos, "--rounds", rounds, "--window-ms", "5000"] + extra, timeout=600)
sys.exit(r.returncode)
