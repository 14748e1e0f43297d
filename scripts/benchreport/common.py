"""Plumbing shared by the report's steps: the older bench scripts loaded as
modules, the run's metadata, repetition statistics and progress lines.

Threads: none of this is thread-safe; the driver runs one step at a time.
"""
import datetime
import importlib.machinery
import os
import shlex
import statistics
import subprocess
import sys
import time

SCRIPTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(SCRIPTS)
SCHEMA = 1
NOISY_SPREAD = 0.20  # (max - min) / median of the repetitions above which a figure is marked noisy

_loaded = {}


def load(script):
    """Loads scripts/<script> (e.g. "bench-lib.py", "bench-memory") once, as a module.

    The older scripts are programs with hyphenated names; this is how they are
    shared without a second copy. Load them all before starting any server:
    loading again re-executes a module and would forget the servers it tracks."""
    if script not in _loaded:
        name = script.replace("-", "_").replace(".py", "")
        path = os.path.join(SCRIPTS, script)
        _loaded[script] = importlib.machinery.SourceFileLoader(name, path).load_module()
    return _loaded[script]


def git(*args):
    try:
        return subprocess.run(["git", "-C", ROOT] + list(args), capture_output=True, text=True,
                              timeout=30).stdout.strip()
    except OSError:
        return ""


def build_type(bin_dir):
    cache = os.path.join(os.path.dirname(os.path.abspath(bin_dir)), "CMakeCache.txt")
    if os.path.exists(cache):
        for line in open(cache):
            if line.startswith("CMAKE_BUILD_TYPE:"):
                return line.split("=", 1)[1].strip()
    return "unknown"


def redis_version():
    try:
        out = subprocess.run(["redis-server", "--version"], capture_output=True, text=True, timeout=30).stdout
    except OSError:
        return None
    for word in out.split():
        if word.startswith("v="):
            return word[2:]
    return None


# What names a run, kept with a step's results when a later --only run keeps them.
RUN_KEYS = ("date", "commit", "command", "machine", "mode", "build_type", "redis_version", "cores")


def step_meta(results, key):
    """The metadata of the run that measured steps[key]."""
    return dict(results["meta"], **results["steps"][key].get("from_run", {}))


def metadata(mode, bin_dir, argv):
    """What a reader needs to judge the figures: machine, commit, command, date."""
    lib = load("bench-lib.py")
    dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": git("rev-parse", "--short=7", "HEAD") + ("+dirty" if dirty else ""),
        "command": "scripts/bench-report " + shlex.join(argv),
        "machine": lib.machine(),
        "cores": lib.cpu_count(),
        "load_average_start": round(os.getloadavg()[0], 1),
        "mode": mode,
        "build_type": build_type(bin_dir),
        "redis_version": redis_version(),
    }


def repeated(samples, keys):
    """Medians of repetitions, each repetition marked noisy when it is more than
    NOISY_SPREAD/2 from the median, and the figure noisy when the spread of its
    repetitions exceeds NOISY_SPREAD. samples: a list of dicts with `keys`."""
    out = {"reps": samples, "median": {}, "spread": {}}
    for k in keys:
        vals = [s[k] for s in samples if s.get(k) is not None]
        if not vals:
            continue
        m = statistics.median(vals)
        out["median"][k] = m
        out["spread"][k] = (max(vals) - min(vals)) / m if m else 0.0
    first = keys[0]
    m = out["median"].get(first)
    for s in samples:
        s["noisy"] = bool(m) and abs(s[first] - m) / m > NOISY_SPREAD / 2
    out["noisy"] = out["spread"].get(first, 0.0) > NOISY_SPREAD
    return out


class Progress:
    """Prints which step runs, how long the run has taken and what is left.

    Estimates come from the plan; what is left is scaled by how the steps done
    so far compared with their estimates."""

    def __init__(self, plan):
        self.plan = plan  # [(name, estimated seconds)]
        self.began = time.monotonic()
        self.done_est = self.done_real = 0.0
        self.index = 0

    def _left(self):
        rest = sum(est for _, est in self.plan[self.index:])
        scale = self.done_real / self.done_est if self.done_est > 1 else 1.0
        return rest * min(max(scale, 0.5), 3.0)

    def start(self, name):
        self.step_began = time.monotonic()
        log("[%d/%d] %s | elapsed %s | left ~%s" % (self.index + 1, len(self.plan), name,
                                                  fmt_s(time.monotonic() - self.began), fmt_s(self._left())))

    def note(self, msg):
        log("      %s (%s into the step)" % (msg, fmt_s(time.monotonic() - self.step_began)))

    def finish(self):
        took = time.monotonic() - self.step_began
        self.done_real += took
        self.done_est += self.plan[self.index][1]
        self.index += 1
        log("      done in %s" % fmt_s(took))


def fmt_s(s):
    s = int(round(s))
    return "%dm%02ds" % (s // 60, s % 60) if s >= 60 else "%ds" % s


def log(msg):
    print(msg, file=sys.stderr, flush=True)
