"""Shared plumbing of scripts/bench, scripts/bench-memory and scripts/bench-recovery
(loaded with importlib; stdlib only).

Every server is started on 127.0.0.1 with a free port and a temp directory,
remembered by PID, and stopped by PID (SIGTERM, then SIGKILL after a grace
period) when the script ends, whatever happens. Every client run has a timeout.
"""
import atexit
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLK_TCK = os.sysconf("SC_CLK_TCK")
ADMIN_TOKEN = "bench-admin"
RUN_TIMEOUT_S = 300  # bounds every single client run

_procs = []     # every server still running, stopped at exit
_tmpdirs = []   # removed at exit


def _cleanup():
    for p in list(_procs):
        p.stop()
    for d in _tmpdirs:
        shutil.rmtree(d, ignore_errors=True)


atexit.register(_cleanup)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def tmpdir(prefix):
    d = tempfile.mkdtemp(prefix=prefix)
    _tmpdirs.append(d)
    return d


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bin_dir():
    """The directory of mnemo-server, mnemo-bench and mnemo: $MNEMO_BIN_DIR as it is,
    or build/ (or $MNEMO_BUILD_DIR) brought up to date as Release, so that a
    benchmark never measures binaries older than the source."""
    if os.environ.get("MNEMO_BIN_DIR"):
        return os.path.abspath(os.environ["MNEMO_BIN_DIR"])
    build = os.path.join(ROOT, os.environ.get("MNEMO_BUILD_DIR", "build"))
    log("building Release into %s (incremental)" % build)
    env = dict(os.environ, MNEMO_BUILD_DIR=build)
    subprocess.run([os.path.join(ROOT, "scripts", "build"), "Release"], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    return os.path.join(build, "bin")


def pin_prefix(cores):
    """Command prefix pinning to `cores` ("0", "1", "0-1"), or [] for none."""
    return ["taskset", "-c", cores] if cores and shutil.which("taskset") else []


def cpu_count():
    return os.cpu_count() or 1


class Server:
    """A server process started by this script; stop() by PID."""

    def __init__(self, name, cmd, log_path, pin=None, env=None):
        self.name = name
        self.log_path = log_path
        self.log_file = open(log_path, "ab")
        self.proc = subprocess.Popen(pin_prefix(pin) + cmd, stdout=self.log_file, stderr=subprocess.STDOUT,
                                     env=env)
        self.pid = self.proc.pid
        self.started_at = time.monotonic()
        _procs.append(self)

    def alive(self):
        return self.proc.poll() is None

    def cpu_seconds(self):
        """utime + stime of every thread of the process so far."""
        with open("/proc/%d/stat" % self.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def rss_kb(self):
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def stop(self, grace_s=60):
        if self in _procs:
            _procs.remove(self)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log_file.close()
        return self.proc.returncode

    def kill(self):
        """SIGKILL (a crash), by PID."""
        if self in _procs:
            _procs.remove(self)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log_file.close()

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")


def wait_until(what, cond, timeout_s=120, server=None):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server is not None and not server.alive():
            raise RuntimeError("%s exited early; log:\n%s" % (server.name, server.log_text()[-3000:]))
        v = cond()
        if v:
            return v
        time.sleep(0.02)
    raise RuntimeError("%s did not happen within %d s" % (what, timeout_s))


def start_mnemo(bins, args=(), pin=None, data_dir=None, name="mnemo", timeout_s=600):
    """Starts mnemo-server (native + RESP ports, admin token) and waits until it listens."""
    d = data_dir or os.path.join(tmpdir("mnemo-bench."), "data")
    port_file = os.path.join(os.path.dirname(d), "ports.%d" % time.monotonic_ns())
    cmd = [os.path.join(bins, "mnemo-server"), "--bind", "127.0.0.1", "--port", "0", "--resp-port", "0",
           "--port-file", port_file, "--data-dir", d, "--admin-token", ADMIN_TOKEN] + list(args)
    s = Server(name, cmd, os.path.join(os.path.dirname(d), "%s.log" % name), pin)
    s.data_dir = d

    def ports():
        if not os.path.exists(port_file):
            return None
        found = dict(line.split() for line in open(port_file) if line.strip())
        return found if "resp" in found else None

    found = wait_until("%s listening" % name, ports, timeout_s, s)
    s.port, s.resp_port = int(found["native"]), int(found["resp"])
    s.ready_at = time.monotonic()
    return s


def redis_ping(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as c:
            c.sendall(b"PING\r\n")
            return c.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def start_redis(args=(), pin=None, dir_=None, name="redis", wait_ready=True, timeout_s=600):
    d = dir_ or tmpdir("mnemo-bench-redis.")
    port = free_port()
    cmd = ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--dir", d, "--daemonize", "no",
           "--save", "", "--appendonly", "no"] + list(args)
    s = Server(name, cmd, os.path.join(d, "%s.log" % name), pin)
    s.port, s.dir = port, d
    if wait_ready:
        wait_until("%s ready" % name, lambda: redis_ping(port), timeout_s, s)
    s.ready_at = time.monotonic()
    return s


def mnemo_stats(bins, server):
    out = subprocess.run([os.path.join(bins, "mnemo"), "-p", str(server.port), "--admin-token", ADMIN_TOKEN,
                          "stats", "--json"], capture_output=True, text=True, timeout=60, check=True).stdout
    return json.loads(out)


def run_timed(cmd, pin=None, timeout_s=RUN_TIMEOUT_S):
    """Runs a client to completion; returns (stdout, cpu seconds of the client)."""
    p = subprocess.Popen(pin_prefix(pin) + cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = p.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        raise RuntimeError("timed out after %d s: %s" % (timeout_s, " ".join(cmd)))
    # communicate() reaped the child; its CPU time is in the children's rusage.
    if p.returncode != 0:
        raise RuntimeError("%s exited %d: %s" % (cmd[0], p.returncode, (err or out)[-2000:]))
    return out


def children_cpu():
    t = os.times()
    return t.children_user + t.children_system


RESULT_RE = re.compile(r"(\w+)=([0-9.]+)")


def mnemo_bench(bins, server, args, pin=None):
    """Runs mnemo-bench; returns dict(ops, total, p50_us, p99_us, ..., client_cpu_s, server_cpu_s)."""
    c0, s0 = children_cpu(), server.cpu_seconds()
    out = run_timed([os.path.join(bins, "mnemo-bench"), "-H", "127.0.0.1", "-p", str(server.port)] + list(args),
                    pin)
    c1, s1 = children_cpu(), server.cpu_seconds()
    line = [l for l in out.splitlines() if l.startswith("RESULT")][-1]
    r = {k: float(v) for k, v in RESULT_RE.findall(line)}
    r["client_cpu_s"], r["server_cpu_s"] = c1 - c0, s1 - s0
    return r


def redis_benchmark(port, test, requests, pipeline, server, threads=1, pin=None, extra=(), settle=None,
                    keyspace=100000):
    """Runs one redis-benchmark test; returns dict(ops, p50_us, p99_us, total, client/server cpu).
    settle(), when given, runs before the server's CPU time is read, so that
    work the server defers (a journal commit) counts for this run."""
    cmd = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(port), "-c", "50", "-d", "32", "-r", str(keyspace),
           "-P", str(pipeline), "-n", str(requests), "-t", test, "--csv"] + list(extra)
    if threads > 1:
        cmd += ["--threads", str(threads)]
    c0, s0 = children_cpu(), server.cpu_seconds()
    out = run_timed(cmd, pin)
    c1 = children_cpu()
    if settle:
        settle()
    s1 = server.cpu_seconds()
    rows = [l for l in out.splitlines() if l.startswith('"') and not l.startswith('"test"')]
    cols = [c.strip('"') for c in rows[-1].split('","')]
    # "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
    return {"ops": float(cols[1]), "p50_us": float(cols[4]) * 1000, "p99_us": float(cols[6]) * 1000,
            "total": float(requests), "client_cpu_s": c1 - c0, "server_cpu_s": s1 - s0}


def med(samples, key):
    vals = [s[key] for s in samples if s is not None and key in s]
    return statistics.median(vals) if vals else float("nan")


def per_op_us(samples, key):
    """Median CPU microseconds per operation of `key` (server_cpu_s or client_cpu_s)."""
    vals = [s[key] * 1e6 / s["total"] for s in samples if s and s.get("total")]
    return statistics.median(vals) if vals else float("nan")


def machine():
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    osname = ""
    if os.path.exists("/etc/os-release"):
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                osname = line.split("=", 1)[1].strip().strip('"')
    return "%d cores (%s), %s, load average %.1f at start" % (cpu_count(), model, osname, os.getloadavg()[0])
