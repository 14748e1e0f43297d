#!/usr/bin/python3
"""scripts/bench-report's pipeline, not its speed:

- --quick --dry-run prints the plan and starts nothing;
- a --tiny run against $MNEMO_BIN_DIR's binaries and Debian's redis-server
  writes well-formed results.json, parseable SVG plots with their captions,
  and regenerates the summary section of a document between its markers,
  leaving the rest of the document alone (into a temp dir, never docs/);
  then --only durable re-measures one step and keeps the others;
- the summary generator turns a fixed results file into the same table as
  bench_report_summary.md (golden), and the plots are byte-identical when
  rendered twice.

Exits 77 (skipped) when python3-matplotlib is not installed; the tiny run is
skipped (exit 77 at the end if all else passed) when redis-server is missing.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("MNEMO_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
SCRIPTS = os.path.join(SOURCE, "scripts")
sys.path.insert(0, SCRIPTS)
sys.path.insert(0, HERE)

from resp_support import check, check_eq  # noqa: E402

FIXTURE = os.path.join(HERE, "bench_report_fixture.json")
GOLDEN = os.path.join(HERE, "bench_report_summary.md")
SVG = "{http://www.w3.org/2000/svg}"
RUN_TIMEOUT_S = 240
DOC = "# Title\n\nIntro paragraph.\n\n<!-- bench-report:begin -->\nold text\n<!-- bench-report:end -->\n\n## Kept\n\nkept text\n"


def report(*args):
    cmd = ["/usr/bin/python3", os.path.join(SCRIPTS, "bench-report")] + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)


def check_svg(path, meta):
    root = ET.parse(path).getroot()
    check_eq(root.tag, SVG + "svg", "root element of " + path)
    texts = " ".join("".join(t.itertext()) for t in root.iter(SVG + "text"))
    check(meta["commit"] in texts, "%s: caption names the commit %s" % (path, meta["commit"]))
    check("machine:" in texts and meta["mode"] + " run" in texts, "%s: caption names machine and mode" % path)
    check(len(list(root.iter(SVG + "path"))) > 5, "%s: has drawn paths" % path)


def test_dry_run(tmp):
    done = report("--quick", "--dry-run", "--out", tmp)
    check_eq(done.returncode, 0, "exit code of --dry-run (stderr %r)" % done.stderr[-500:])
    for step in ("throughput", "durable", "memory", "restart", "snapshot"):
        check(step in done.stdout, "the plan names step " + step)
    check_eq(os.listdir(tmp), [], "a dry run writes nothing")


def test_tiny_run(tmp):
    from benchreport import plots, schema
    doc = os.path.join(tmp, "doc.md")
    with open(doc, "w") as f:
        f.write(DOC)
    out = os.path.join(tmp, "out")
    done = report("--tiny", "--out", out, "--doc", doc, "--bin-dir", os.environ["MNEMO_BIN_DIR"])
    check_eq(done.returncode, 0, "exit code of --tiny (stderr %r)" % done.stderr[-3000:])
    check("[5/5] snapshot" in done.stderr and "left ~" in done.stderr, "progress lines name step and time left")
    with open(os.path.join(out, "results.json")) as f:
        results = json.load(f)
    check_eq(schema.validate(results), [], "schema problems")
    check_eq(results["meta"]["mode"], "tiny", "meta.mode")
    check_eq(sorted(results["steps"]), ["change_feed", "durable", "fanout", "memory", "restart",
                                        "snapshot_timeline", "throughput"], "steps")
    for name in plots.PLOTS:
        check_svg(os.path.join(out, name), results["meta"])
    with open(doc) as f:
        text = f.read()
    check(text.startswith("# Title\n\nIntro paragraph.\n\n<!-- bench-report:begin -->\n"), "head kept")
    check(text.endswith("<!-- bench-report:end -->\n\n## Kept\n\nkept text\n"), "tail kept")
    check("old text" not in text and "| SET | 16 |" in text, "section regenerated")
    check("(out/throughput-ratio.svg)" in text, "plot links relative to the document")
    # --only re-measures one step (a short one) and keeps the others, labelled with their run.
    done = report("--tiny", "--only", "durable", "--out", out, "--bin-dir", os.environ["MNEMO_BIN_DIR"])
    check_eq(done.returncode, 0, "exit code of --only durable (stderr %r)" % done.stderr[-3000:])
    with open(os.path.join(out, "results.json")) as f:
        again = json.load(f)
    check_eq(schema.validate(again), [], "schema problems after --only")
    check_eq(sorted(again["steps"]), sorted(results["steps"]), "steps kept by --only")
    check("from_run" not in again["steps"]["durable"], "the re-measured step is of this run")
    check_eq(again["steps"]["restart"]["from_run"]["date"], results["meta"]["date"], "kept step names its run")
    with open(os.path.join(out, "summary.md")) as f:
        check("Kept from earlier runs" in f.read(), "the summary says which steps are older")


def test_summary_golden(tmp):
    from benchreport import summary
    with open(FIXTURE) as f:
        results = json.load(f)
    from benchreport import schema
    check_eq(schema.validate(results), [], "fixture schema problems")
    text = summary.render(results, list(sorted(["memory-per-key.svg", "restart-time.svg"])), "bench")
    with open(GOLDEN) as f:
        check_eq(text, f.read(), "summary of the fixture against " + GOLDEN)
    once = summary.replace_section(DOC, text)
    check_eq(summary.replace_section(once, text), once, "regenerating twice changes nothing")
    check_eq(summary.replace_section(once, summary.render(results, [], "bench")).count(summary.BEGIN), 1,
             "one section")


def test_plots_deterministic(tmp):
    from benchreport import plots
    with open(FIXTURE) as f:
        results = json.load(f)
    a, b = os.path.join(tmp, "a"), os.path.join(tmp, "b")
    os.makedirs(a)
    os.makedirs(b)
    check_eq(plots.render(results, a), list(plots.PLOTS), "plots written")
    plots.render(json.loads(json.dumps(results)), b)
    for name in plots.PLOTS:
        with open(os.path.join(a, name), "rb") as fa, open(os.path.join(b, name), "rb") as fb:
            check(fa.read() == fb.read(), name + " is byte-identical when rendered twice")
        check_svg(os.path.join(a, name), results["meta"])


def main():
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print("skip: python3-matplotlib is not installed")
        return 77
    tests = [("dry run", test_dry_run), ("summary golden", test_summary_golden),
             ("plots deterministic", test_plots_deterministic)]
    have_redis = all(shutil.which(t) for t in ("redis-server", "redis-benchmark", "redis-cli"))
    if have_redis:
        tests.append(("tiny run", test_tiny_run))
    failures = 0
    for name, fn in tests:
        tmp = tempfile.mkdtemp(prefix="mnemo-bench-report-test.")
        try:
            fn(tmp)
            print("ok   %s" % name)
        except Exception as e:  # report every failure, then go on
            failures += 1
            print("FAIL %s: %s" % (name, e))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        return 1
    if not have_redis:
        print("skip: tiny run (redis-server, redis-benchmark or redis-cli missing)")
        return 77
    return 0


if __name__ == "__main__":
    sys.exit(main())
