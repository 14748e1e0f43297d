"""SVG plots of a report's results (matplotlib, Agg). Deterministic: the same
results give byte-identical files (fixed svg.hashsalt, no date, text as text)."""
import os
import textwrap

import matplotlib

from .common import step_meta

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)
from matplotlib.patches import Patch  # noqa: E402

COLORS = {"mnemo": "#1f77b4", "redis": "#d62728"}
PLOTS = ("throughput-ratio.svg", "snapshot-latency.svg", "restart-time.svg", "memory-per-key.svg")


def setup():
    matplotlib.rcParams.update({"svg.hashsalt": "mnemo-bench-report", "svg.fonttype": "none",
                                "font.size": 9, "axes.grid": True, "grid.alpha": 0.3})


def caption(meta):
    text = "machine: %s | commit %s (%s build), %s | redis %s | %s run | %s" % (
        meta["machine"], meta["commit"], meta["build_type"], meta["date"], meta.get("redis_version"),
        meta["mode"], meta["command"])
    return "\n".join(textwrap.wrap(text, 150))


def save(fig, meta, path, left=None):
    if meta["mode"] != "full":  # said where the plot is seen, not only in its caption
        ax = fig.axes[0]
        ax.set_title("%s\n(%s run: not reference figures)" % (ax.get_title(), meta["mode"]))
    fig.text(0.01, 0.01, caption(meta), fontsize=6, color="#555555", va="bottom", ha="left")
    fig.subplots_adjust(bottom=0.24, left=left)
    fig.savefig(path, format="svg", metadata={"Date": None})
    plt.close(fig)


def ratio_bars(results):
    """[(label, ops ratio, cpu ratio or None, noisy)] of mnemo against Redis."""
    out = []
    rows = {(r["server"], r["test"], r["depth"]): r for r in results["steps"]["throughput"]["rows"]}
    for depth in (1, 16):
        for test in ("SET", "GET"):
            m, r = rows.get(("mnemo", test, depth)), rows.get(("redis", test, depth))
            if m and r:
                cpu_m, cpu_r = m["median"]["server_cpu_us"], r["median"]["server_cpu_us"]
                out.append(("%s -P %d" % (test, depth), m["median"]["ops"] / r["median"]["ops"],
                            cpu_r / cpu_m if cpu_m and cpu_r else None, m["noisy"] or r["noisy"]))
    durable = {r["server"]: r for r in results["steps"].get("durable", {}).get("rows", [])}
    if "mnemo" in durable and "redis" in durable:
        m, r = durable["mnemo"], durable["redis"]
        out.append(("durable SET -P 1", m["median"]["ops"] / r["median"]["ops"], None, m["noisy"] or r["noisy"]))
    return out


def plot_ratios(results, path):
    bars = ratio_bars(results)
    fig, ax = plt.subplots(figsize=(8, 4.2))
    xs = range(len(bars))
    w = 0.38
    ops = ax.bar([x - w / 2 for x in xs], [b[1] for b in bars], w, color=COLORS["mnemo"],
                 label="throughput, mnemo ÷ Redis")
    ax.bar([x + w / 2 for x in xs], [b[2] or 0 for b in bars], w, color="#7fa7cf",
           label="server CPU per request, Redis ÷ mnemo (> 1: mnemo cheaper)")
    for x, b in zip(xs, bars):
        ax.annotate("%.2f%s" % (b[1], " (noisy)" if b[3] else ""), (x - w / 2, b[1]), ha="center",
                    va="bottom", fontsize=7)
        if b[2] is not None:
            ax.annotate("%.2f" % b[2], (x + w / 2, b[2]), ha="center", va="bottom", fontsize=7)
    for bar, b in zip(ops, bars):
        if b[3]:
            bar.set_hatch("//")
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_xticks(list(xs), [b[0] for b in bars])
    ax.set_ylabel("ratio (1 = same as Redis)")
    ax.set_title("mnemo against redis-server on the same machine (RESP, redis-benchmark -c 50 -d 32)")
    handles = [Patch(color=COLORS["mnemo"], label="throughput, mnemo ÷ Redis"),
               Patch(color="#7fa7cf", label="server CPU per request, Redis ÷ mnemo (> 1: mnemo cheaper)"),
               Patch(facecolor="white", edgecolor="black", hatch="//",
                     label="noisy: repetitions spread > 20 %")]
    ax.legend(handles=handles, loc="upper left", fontsize=7)
    save(fig, step_meta(results, "throughput"), path)


def plot_snapshot(results, path):
    step = results["steps"]["snapshot_timeline"]
    fig, ax = plt.subplots(figsize=(8, 4.2))
    for name in ("mnemo", "redis"):
        s = step["servers"].get(name)
        if not s:
            continue
        t = [b[0] for b in s["bins"]]
        ax.plot(t, [b[2] for b in s["bins"]], color=COLORS[name], linewidth=1,
                label="%s: max per %d ms" % (name, step["bin_s"] * 1000))
        ax.plot(t, [b[1] for b in s["bins"]], color=COLORS[name], linewidth=0.8, linestyle=":",
                label="%s: median" % name)
        w = s["window_s"]
        ax.axvspan(w[0], max(w[1], w[0] + 0.01), color=COLORS[name], alpha=0.15,
                   label="%s snapshot (%.2f s)" % (name, w[1] - w[0]))
    ax.set_yscale("log")
    ax.set_xlabel("seconds since BGSAVE")
    ax.set_ylabel("request latency, ms (log)")
    ax.set_title("Latency during a snapshot under SET load, %d keys" % step["keys"])
    ax.legend(loc="upper right", fontsize=7)
    save(fig, step_meta(results, "snapshot_timeline"), path)


def plot_restart(results, path):
    rows = results["steps"]["restart"]["rows"]
    fig, ax = plt.subplots(figsize=(8, 4.2))
    styles = {"mnemo journal only": "-", "redis AOF (no preamble)": "-"}
    for label in sorted({r["label"] for r in rows}):
        pts = sorted((r["keys"], r["ready_s"]) for r in rows if r["label"] == label)
        server = "mnemo" if label.startswith("mnemo") else "redis"
        ax.plot([p[0] / 1e6 for p in pts], [p[1] for p in pts], styles.get(label, "--"), marker="o",
                color=COLORS[server], label=label)
    ax.set_xlabel("keys (millions; 16-byte keys, 32-byte values)")
    ax.set_ylabel("seconds from exec to accepting connections")
    ax.set_ylim(bottom=0)
    ax.set_title("Restart time against dataset size (warm page cache)")
    ax.legend(fontsize=7)
    save(fig, step_meta(results, "restart"), path)


def plot_memory(results, path):
    step = results["steps"]["memory"]
    rows = step["rows"]
    fig, ax = plt.subplots(figsize=(8, 3.6))
    ys = range(len(rows))
    ax.barh(list(ys), [r["bytes_per_key"] for r in rows], color=[COLORS[r["server"]] for r in rows])
    for y, r in zip(ys, rows):
        ax.annotate("%.0f B" % r["bytes_per_key"], (r["bytes_per_key"], y), va="center", fontsize=7,
                    xytext=(3, 0), textcoords="offset points")
    ax.set_yticks(list(ys), [r["label"] for r in rows])
    ax.invert_yaxis()
    ax.set_xlabel("resident memory per key, bytes (VmRSS growth / keys)")
    ax.set_title("Memory per key, %d keys (16-byte keys, 32-byte values)" % step["keys"])
    save(fig, step_meta(results, "memory"), path, left=0.3)


def render(results, out_dir):
    """Writes every plot whose step is in results; returns the file names written."""
    setup()
    steps = results["steps"]
    todo = [("throughput-ratio.svg", "throughput", plot_ratios),
            ("snapshot-latency.svg", "snapshot_timeline", plot_snapshot),
            ("restart-time.svg", "restart", plot_restart),
            ("memory-per-key.svg", "memory", plot_memory)]
    written = []
    for name, step, fn in todo:
        if step in steps and "rows" in steps[step] or step in steps and "servers" in steps[step]:
            fn(results, os.path.join(out_dir, name))
            written.append(name)
    return written
