"""The generated summary section of docs/BENCHMARKS.md: a pure function of a
report's results (same input, same text), and its replacement between markers."""
import os

BEGIN = "<!-- bench-report:begin -->"
END = "<!-- bench-report:end -->"
PENDING = [("fan-out", "fanout"), ("change feed", "change_feed")]


def num(v, digits=0):
    if v is None or v != v:
        return "-"
    return "{:,.{}f}".format(v, digits)


def noisy(row):
    spread = row["spread"].get("ops", 0.0)
    return "noisy (spread %d %%)" % round(spread * 100) if row["noisy"] else "%d %%" % round(spread * 100)


def run_line(meta):
    kind = {"quick": "a **--quick** run (smoke check: short runs, sizes scaled down; not reference figures)",
            "full": "a full run", "tiny": "a **--tiny** run (pipeline check only: the figures mean nothing)"}
    return ["Figures from %s of `%s` on %s, commit %s (%s build), redis-server %s, machine: %s." % (
        kind.get(meta["mode"], meta["mode"]), meta["command"], meta["date"], meta["commit"],
        meta["build_type"], meta.get("redis_version"), meta["machine"])] + busy(meta) + [""]


def earlier(steps):
    """Steps kept from earlier runs (bench-report --only), named with their run."""
    kept = [(k, s["from_run"]) for k, s in sorted(steps.items()) if "from_run" in s]
    if not kept:
        return []
    return ["Kept from earlier runs (not re-measured in this one): %s." % "; ".join(
        "%s from a %s run on %s, commit %s" % (k, m.get("mode"), m.get("date"), m.get("commit")) for k, m in kept),
        ""]


def busy(meta):
    load, cores = meta.get("load_average_start"), meta.get("cores", 1)
    if load is None or load <= cores:
        return []
    return ["The machine was busy during this run (load average %.1f on %d cores at the start, %s at the end): "
            "absolute figures are low and noisy; the ratios of alternated runs are what to read." % (
                load, cores, meta.get("load_average_end", "?"))]


def throughput(step, title):
    rows = {(r["server"], r["test"], r["depth"]): r for r in step["rows"]}
    pairs = sorted({(r["test"], r["depth"]) for r in step["rows"] if r["server"] == "mnemo"},
                   key=lambda k: (k[1], k[0] != "SET", k[0]))
    where = "; %s, mnemo --threads %d" % (step["layout"], step["mnemo_threads"]) if "layout" in step else ""
    out = ["**%s** (%s%s; medians of %d alternated repetitions; spread = (max - min) / median of ops/s, "
           "noisy above 20 %%)" % (title, step["client"], where, step["reps"]), "",
           "| op | depth | mnemo ops/s | Redis ops/s | mnemo ÷ Redis | server CPU µs/req mnemo | Redis "
           "| spread mnemo / Redis |", "|---|---|---|---|---|---|---|---|"]
    for test, depth in pairs:
        m = rows[("mnemo", test, depth)]
        r = rows.get(("redis", test, depth))
        ratio = m["median"]["ops"] / r["median"]["ops"] if r else None
        out.append("| %s | %d | %s | %s | %s | %s | %s | %s / %s |" % (
            test, depth, num(m["median"]["ops"]), num(r["median"]["ops"]) if r else "-", num(ratio, 2),
            num(m["median"].get("server_cpu_us"), 2), num(r["median"].get("server_cpu_us"), 2) if r else "-",
            noisy(m), noisy(r) if r else "-"))
    return out + [""]


def _ratio(rows, test, depth):
    by = {(r["server"], r["test"], r["depth"]): r["median"]["ops"] for r in rows}
    m, r = by.get(("mnemo", test, depth)), by.get(("redis", test, depth))
    return m / r if m and r else None


def headline(steps):
    """One line per step: where mnemo stands, as ratios against Redis."""
    ok = {k: v for k, v in steps.items() if "error" not in v and "status" not in v}
    out = []
    if "throughput" in ok:
        rows = ok["throughput"]["rows"]
        out.append("- Throughput, mnemo ÷ Redis: %s." % ", ".join(
            "%s -P %d %s" % (t, d, num(_ratio(rows, t, d), 2)) for d in (1, 16) for t in ("SET", "GET")))
    if "durable" in ok:
        out.append("- Durable writes (every write on disk before its reply), mnemo ÷ Redis appendfsync "
                   "always: %s." % num(_ratio(ok["durable"]["rows"], "SET", 1), 2))
    if "memory" in ok:
        by = {r["label"]: r["bytes_per_key"] for r in ok["memory"]["rows"]}
        out.append("- Memory per key: mnemo %s B with its journal, Redis %s B without persistence." % (
            num(by.get("mnemo (journal, defaults)")), num(by.get('redis --save "" --appendonly no'))))
    if "restart" in ok:
        rows = ok["restart"]["rows"]
        top = max(r["keys"] for r in rows)
        out.append("- Restart with %s keys, seconds to ready: %s." % (num(top), ", ".join(
            "%s %s" % (r["label"], num(r["ready_s"], 2)) for r in rows if r["keys"] == top)))
    if "snapshot_timeline" in ok:
        m, r = ok["snapshot_timeline"]["servers"]["mnemo"], ok["snapshot_timeline"]["servers"]["redis"]
        out.append("- Snapshot under write load: slowest request during it mnemo %s ms, Redis %s ms "
                   "(snapshot %s s vs %s s)." % (num(m["during_max_ms"], 2), num(r["during_max_ms"], 2),
                                                  num(m["window_s"][1], 2), num(r["window_s"][1], 2)))
    return out + [""] if out else []


def memory(step):
    out = ["**Memory per key** (%d keys, 16-byte keys, %d-byte values; %s)" % (
        step["keys"], step["value_size"], step["method"]), "",
        "| server | bytes per key |", "|---|---|"]
    out += ["| %s | %s |" % (r["label"], num(r["bytes_per_key"])) for r in step["rows"]]
    return out + ["", "Per collection element: %s." % step["collections"]["status"], ""]


def restart(step):
    out = ["**Restart time** (%s)" % step["method"], "",
           "| case | keys | ready s | load s (own log) | entries/s | spread of ready s |", "|---|---|---|---|---|---|"]
    for r in sorted(step["rows"], key=lambda r: (r["keys"], r["label"])):
        spread = r.get("spread", {}).get("ready_s", 0.0)
        out.append("| %s | %s | %s | %s | %s | %s |" % (
            r["label"], num(r["keys"]), num(r["ready_s"], 2), num(r["load_s"], 2), num(r["entries_per_s"]),
            ("noisy (%d %%)" if r.get("noisy") else "%d %%") % round(spread * 100)))
    return out + [""]


def snapshot(step):
    out = ["**Snapshot under write load** (%d keys; load: %s; probe: %s; the plotted run is the median of %d "
           "by its worst stall)" % (step["keys"], step["load"], step["probe"], step["reps"]), "",
           "| server | snapshot s | probe p99 before, ms | p99 during, ms | max during, ms |",
           "|---|---|---|---|---|"]
    unseen = False
    for name in ("mnemo", "redis"):
        s = step["servers"].get(name)
        if s:
            mark = "" if s.get("window_seen", True) else " *"
            unseen = unseen or bool(mark)
            out.append("| %s | %s%s | %s | %s | %s |" % (
                name, num(s["window_s"][1], 2), mark, num(s["quiet_p99_ms"], 2), num(s["during_p99_ms"], 2),
                num(s["during_max_ms"], 2)))
    if unseen:
        out += ["", "\\* over before INFO first showed it running: the window is an upper bound."]
    return out + [""]


def plots(written, rel):
    titles = {"throughput-ratio.svg": "mnemo ÷ Redis per operation and depth",
              "snapshot-latency.svg": "latency during a snapshot",
              "restart-time.svg": "restart time against key count",
              "memory-per-key.svg": "memory per key"}
    return ["![%s](%s/%s)" % (titles[p], rel, p) for p in written] + [""]


def render(results, written, rel):
    """The section's text, markers included. rel: the plots' directory relative to the document."""
    meta, steps = results["meta"], results["steps"]
    out = [BEGIN, "## Summary: mnemo next to Redis (generated)", "",
           "Generated by `scripts/bench-report` from [%s/results.json](%s/results.json); edit the generator, "
           "not this section. Compare ratios, not absolute figures from different runs." % (rel, rel), ""]
    out += run_line(meta) + earlier(steps) + headline(steps) + plots(written, rel)
    sections = (("throughput", lambda s: throughput(s, "Throughput and server CPU per request")),
                ("durable", lambda s: throughput(s, "Durable writes")),
                ("memory", memory), ("restart", restart), ("snapshot_timeline", snapshot))
    for key, fn in sections:
        if key in steps and "error" in steps[key]:
            out += ["**%s**: the step failed in this run: `%s`" % (key, steps[key]["error"].splitlines()[-1]), ""]
        elif key in steps:
            out += fn(steps[key])
    for title, key in PENDING:
        if key in steps:
            out.append("%s: %s." % (title[0].upper() + title[1:], steps[key]["status"]))
    return "\n".join(out + ["", END]) + "\n"


def replace_section(doc_text, section):
    """doc_text with the section between the markers replaced (or inserted after the
    first paragraph block that follows the title when there are no markers yet)."""
    if BEGIN in doc_text and END in doc_text:
        head, rest = doc_text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        return head + section.rstrip("\n") + tail
    marker = "\n## "
    i = doc_text.find(marker)
    if i < 0:
        return doc_text.rstrip("\n") + "\n\n" + section
    return doc_text[:i + 1] + section + "\n" + doc_text[i + 1:]


def update_doc(doc_path, results, written, plots_dir):
    rel = os.path.relpath(plots_dir, os.path.dirname(os.path.abspath(doc_path)))
    with open(doc_path) as f:
        text = f.read()
    new = replace_section(text, render(results, written, rel))
    with open(doc_path, "w") as f:
        f.write(new)
