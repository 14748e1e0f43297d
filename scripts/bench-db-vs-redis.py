"""The --vs-redis part of scripts/bench-db-growth (loaded with importlib).

For each key count N: loads the same data into mnemo (this build, and the
build given by --before-bin-dir, if any) and into redis-server with RDB and
AOF on, with `redis-benchmark -t set -n 2N -r N -d 32 -P 16 -c 50` on the RESP
port (the issue's load: about 0.865 N distinct keys), and reports:
  - write throughput of that load (redis-benchmark's requests/s);
  - the data dir after the load with snapshots on their automatic policy
    (defaults), once no snapshot runs; then after an admin snapshot and the
    compaction and vacuum after it; Redis's RDB (after SAVE) and its AOF
    directory (appendonlydir, as its automatic rewrite left it);
  - restart time: process start until ready, medians of --reps restarts,
    the mnemo builds taking turns (mnemo from its data dir; Redis from the
    RDB alone, then from RDB + AOF), and mnemo's own recovery time (its log);
  - write throughput again: --reps more loads of the same data over it, the
    stores taking turns;
  - the snapshot thread's CPU spent compressing (mnemo's log and STATS).
"""
import importlib.util
import os
import re
import statistics
import subprocess
import time

_spec = importlib.util.spec_from_file_location(
    "bench_lib", os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench-lib.py"))
lib = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lib)


def dir_bytes(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(root, f))
            except OSError:
                pass
    return total


def mb(n):
    return "%.1f" % (n / 1e6)


def load(port, n, server):
    cmd = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(port), "-c", "50", "-d", "32",
           "-r", str(n), "-P", "16", "-n", str(2 * n), "-t", "set", "--csv"]
    lib.log("  $ " + " ".join(cmd))
    out = lib.run_timed(cmd, timeout_s=1800)
    rows = [l for l in out.splitlines() if l.startswith('"SET"')]
    return float(rows[-1].split('","')[1])


def mnemo_admin(bins, server, *args):
    return subprocess.run([os.path.join(bins, "mnemo"), "-p", str(server.port), "--admin-token",
                           lib.ADMIN_TOKEN] + list(args), capture_output=True, text=True,
                          timeout=1800, check=True).stdout


def snapshot_idle(bins, server):
    lib.wait_until("no snapshot running",
                   lambda: lib.mnemo_stats(bins, server)["snapshot"]["running"] == 0, 1800, server)


def restart_mnemo(m):
    t0 = time.monotonic()
    s = lib.start_mnemo(m["bins"], data_dir=m["data"], timeout_s=1800)
    m["times"].append(s.ready_at - t0)
    st = lib.mnemo_stats(m["bins"], s)
    m["recovery_s"].append(st["recovery"]["seconds"])
    s.stop()


def reload_mnemo(m, n):
    s = lib.start_mnemo(m["bins"], data_dir=m["data"], timeout_s=1800)
    m["rps_all"].append(load(s.resp_port, n, s))
    snapshot_idle(m["bins"], s)
    s.stop()


def compress_cpu(log_text):
    """(snapshots, sum of ms CPU compressing, sum of snapshot ms) from the server log."""
    found = re.findall(r"snapshot \d+: \d+ entries, \d+ bytes \(\d+ before \w+ compression, "
                       r"([0-9.]+) ms CPU compressing\) in (\d+) ms", log_text)
    return len(found), sum(float(a) for a, _ in found), sum(int(b) for _, b in found)


def run_mnemo(label, bins, n, reps):
    data = os.path.join(lib.tmpdir("mnemo-bench-disk."), "data")
    s = lib.start_mnemo(bins, data_dir=data, timeout_s=1800)
    rps = load(s.resp_port, n, s)
    snapshot_idle(bins, s)
    auto = dir_bytes(data)
    st = lib.mnemo_stats(bins, s)
    keys = st["store"]["keys"]
    mnemo_admin(bins, s, "snapshot", "--wait")
    snapshot_idle(bins, s)
    after = dir_bytes(data)
    st = lib.mnemo_stats(bins, s)
    s.stop()
    snaps, cpu_ms, snap_ms = compress_cpu(s.log_text())
    return {"label": label, "bins": bins, "data": data, "keys": keys, "rps": rps,
            "rps_all": [rps], "auto": auto, "after": after, "times": [], "recovery_s": [],
            "snaps": snaps, "cpu_ms": cpu_ms, "snap_ms": snap_ms,
            "disk": st.get("disk", {}), "last_bytes": st["snapshot"]["last_bytes"],
            "last_raw": st["snapshot"].get("last_raw_bytes", st["snapshot"]["last_bytes"])}


def redis_restart(d, args, reps):
    times = []
    for _ in range(reps):
        t0 = time.monotonic()
        r = lib.start_redis(args, dir_=d, timeout_s=1800)
        times.append(r.ready_at - t0)
        r.stop()
    return statistics.median(times), times


def run_redis(n, reps):
    d = lib.tmpdir("mnemo-bench-redis-disk.")
    persist = ["--appendonly", "yes", "--appendfsync", "everysec",
               "--save", "3600 1 300 100 60 10000"]  # redis.conf's defaults
    r = lib.start_redis(persist, dir_=d, timeout_s=1800)
    rps = load(r.port, n, r)
    lib.wait_until("AOF rewrite done", lambda: b"aof_rewrite_in_progress:0" in subprocess.run(
        ["redis-cli", "-p", str(r.port), "info", "persistence"], capture_output=True).stdout, 600, r)
    aof_dir = os.path.join(d, "appendonlydir")
    subprocess.run(["redis-cli", "-p", str(r.port), "save"], check=True, capture_output=True)
    rdb = os.path.getsize(os.path.join(d, "dump.rdb"))
    aof = dir_bytes(aof_dir)
    r.stop()
    # Restarts: from the RDB alone (AOF off), then as configured (RDB + AOF).
    rdb_ready, rdb_times = redis_restart(d, ["--dbfilename", "dump.rdb"], reps)
    aof_ready, aof_times = redis_restart(d, persist, reps)
    return {"rps": rps, "rdb": rdb, "aof": aof, "rdb_ready": rdb_ready, "rdb_times": rdb_times,
            "aof_ready": aof_ready, "aof_times": aof_times}


def report(n, mnemos, redis):
    print("### %d SETs over %d keys (redis-benchmark -P 16 -c 50 -d 32)\n" % (2 * n, n))
    print("| store | keys | write req/s (median; loads) | data dir, automatic snapshots "
          "| after admin snapshot | restart (median; runs) | recovery, server's figure |")
    print("|---|---|---|---|---|---|---|")
    for m in mnemos:
        print("| mnemo %s | %d | %.0f (%s) | %s MB | %s MB | %.2f s (%s) | %.2f s (%s) |" % (
            m["label"], m["keys"], statistics.median(m["rps_all"]),
            ", ".join("%.0f" % r for r in m["rps_all"]), mb(m["auto"]), mb(m["after"]),
            statistics.median(m["times"]), ", ".join("%.2f" % t for t in m["times"]),
            statistics.median(m["recovery_s"]), ", ".join("%.2f" % t for t in m["recovery_s"])))
    print("| redis RDB | | %.0f | %s MB (dump.rdb) | | %.2f s (%s) | |" % (
        redis["rps"], mb(redis["rdb"]), redis["rdb_ready"],
        ", ".join("%.2f" % t for t in redis["rdb_times"])))
    print("| redis AOF dir | | | %s MB | | | |" % mb(redis["aof"]))
    print("| **redis RDB + AOF** | | | **%s MB** | | %.2f s (%s) (RDB + AOF) | |\n" % (
        mb(redis["rdb"] + redis["aof"]), redis["aof_ready"],
        ", ".join("%.2f" % t for t in redis["aof_times"])))
    for m in mnemos:
        d = m["disk"]
        line = "mnemo %s: last snapshot %s MB stored / %s MB raw" % (
            m["label"], mb(m["last_bytes"]), mb(m["last_raw"]))
        if d:
            line += "; disk: file %s, wal %s, snapshots %s, journal %s MB" % (
                mb(d["file_bytes"]), mb(d["wal_bytes"]), mb(d["snapshot_bytes"]),
                mb(d["journal_bytes"]))
        if m["snaps"]:
            line += "; %d snapshots: %.0f ms CPU compressing in %d ms of snapshot time (%.1f %%)" % (
                m["snaps"], m["cpu_ms"], m["snap_ms"], 100.0 * m["cpu_ms"] / max(1, m["snap_ms"]))
        print("- " + line)
    print()


def main(args):
    print(lib.machine() + "\n")
    for n in args.vs_redis_keys:
        mnemos = [run_mnemo("(this build)", args.bin_dir, n, args.reps)]
        if args.before_bin_dir:
            mnemos.append(run_mnemo("(before)", args.before_bin_dir, n, args.reps))
        redis = run_redis(n, args.reps)
        for _ in range(args.reps):  # the builds take turns, so the machine's noise hits both
            for m in mnemos:
                restart_mnemo(m)
        for _ in range(args.reps - 1):
            for m in mnemos:
                reload_mnemo(m, n)
        report(n, mnemos, redis)
