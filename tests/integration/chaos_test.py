"""A short run of scripts/chaos: SIGKILL under mixed load, then the contract."""
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
chaos = os.path.join(here, "..", "..", "scripts", "chaos")
rounds = os.environ.get("MNEMO_CHAOS_ROUNDS", "6")
r = subprocess.run(["/usr/bin/python3", chaos, "--rounds", rounds], timeout=600)
sys.exit(r.returncode)
