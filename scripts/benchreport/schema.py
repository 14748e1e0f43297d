"""The shape of results.json, checked by the report before it renders and by
its test: a list of problems (empty when the results are well formed)."""

META = {"date": str, "commit": str, "command": str, "machine": str, "mode": str, "build_type": str,
        "cores": int}
REPEATED = ("ops", "p50_us", "p99_us", "server_cpu_us")


def _num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v


def _repeated_rows(name, step, problems):
    for i, row in enumerate(step.get("rows", [])):
        where = "%s.rows[%d]" % (name, i)
        for k in ("server", "test", "depth", "median", "reps", "noisy", "spread"):
            if k not in row:
                problems.append("%s: no %s" % (where, k))
        if row.get("server") not in ("mnemo", "redis"):
            problems.append("%s: server %r" % (where, row.get("server")))
        for k in REPEATED:
            if not _num(row.get("median", {}).get(k)) or row["median"][k] < 0:
                problems.append("%s: median.%s is not a number >= 0" % (where, k))
        if not row.get("reps") or not all(isinstance(r.get("noisy"), bool) for r in row.get("reps", [])):
            problems.append("%s: reps missing or not marked noisy/not" % where)
    if not step.get("rows"):
        problems.append("%s: no rows" % name)


def _rows(name, step, fields, problems):
    if not step.get("rows"):
        problems.append("%s: no rows" % name)
    for i, row in enumerate(step.get("rows", [])):
        for k in fields:
            if not _num(row.get(k)):
                problems.append("%s.rows[%d]: %s is not a number" % (name, i, k))


def _snapshot(step, problems):
    for name in ("mnemo", "redis"):
        s = step.get("servers", {}).get(name)
        if s is None:
            problems.append("snapshot_timeline: no %s" % name)
            continue
        w = s.get("window_s", [])
        if len(w) != 2 or not all(_num(x) for x in w) or w[1] < w[0]:
            problems.append("snapshot_timeline.%s: window_s %r" % (name, w))
        if not s.get("bins") or not all(len(b) == 4 and all(_num(x) for x in b) for b in s["bins"]):
            problems.append("snapshot_timeline.%s: bins missing or not [t, p50, max, n]" % name)


def validate(results):
    problems = []
    if results.get("schema") != 1:
        problems.append("schema is %r, not 1" % results.get("schema"))
    meta = results.get("meta", {})
    for k, t in META.items():
        if not isinstance(meta.get(k), t):
            problems.append("meta.%s missing or not %s" % (k, t.__name__))
    steps = results.get("steps", {})
    for name, step in steps.items():
        if "error" in step:
            continue
        if name in ("throughput", "durable"):
            _repeated_rows(name, step, problems)
        elif name == "memory":
            _rows(name, step, ("keys", "bytes_per_key"), problems)
        elif name == "restart":
            _rows(name, step, ("keys", "ready_s", "load_s"), problems)
            if not all(isinstance(r.get("noisy"), bool) and r.get("reps") for r in step.get("rows", [])):
                problems.append("restart: rows without reps marked noisy or not")
        elif name == "snapshot_timeline":
            _snapshot(step, problems)
        elif not isinstance(step.get("status"), str):
            problems.append("%s: neither measured nor a status" % name)
    return problems
