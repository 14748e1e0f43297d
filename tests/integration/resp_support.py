"""Shared pieces of the RESP integration tests (resp_*_test.py).

RespServer starts $MNEMO_BIN_DIR/mnemo-server on 127.0.0.1 with ephemeral
native and RESP ports (--port 0 --resp-port 0), waits for its port file, and
stops it by PID. Standard library only; the tests themselves add redis-py or
redis-cli.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("MNEMO_SOURCE_DIR", os.path.normpath(os.path.join(HERE, "..", "..")))
BIN_DIR = os.environ.get("MNEMO_BIN_DIR", os.path.join(SOURCE_DIR, "build", "bin"))
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 60


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def check_eq(actual, expected, what):
    if actual != expected:
        raise AssertionError("%s: expected %r, got %r" % (what, expected, actual))


def wait_until(cond, timeout_s, what):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.01)  # polling a condition, with a deadline
    raise AssertionError("timed out waiting for " + what)


class RespServer:
    """One mnemo-server child process with a RESP port, stopped by its PID."""

    def __init__(self, tmp, extra_args=()):
        self.tmp = tmp
        self.extra_args = list(extra_args)
        self.run = 0
        self._start()

    def restart_after_sigkill(self):
        """SIGKILLs the server (no clean shutdown) and starts it again on the same data."""
        self.kill()
        self.run += 1
        self._start()

    def _start(self):
        self.port_file = os.path.join(self.tmp, "ports")
        self.log_path = os.path.join(self.tmp, "server-%d.log" % self.run)
        if os.path.exists(self.port_file):
            os.unlink(self.port_file)
        env = {k: v for k, v in os.environ.items() if not k.startswith("MNEMO_")}
        args = [os.path.join(BIN_DIR, "mnemo-server"), "--bind", "127.0.0.1", "--port", "0",
                "--resp-port", "0", "--port-file", self.port_file,
                "--data-dir", os.path.join(self.tmp, "data")] + self.extra_args
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, env=env)
        ports = self._wait_for_ports()
        self.port = ports["native"]
        self.resp_port = ports["resp"]

    def _wait_for_ports(self):
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("mnemo-server exited during start with code %d:\n%s"
                                     % (self.proc.returncode, self.log()))
            try:
                with open(self.port_file) as f:
                    text = f.read()
            except FileNotFoundError:
                text = ""
            if text.endswith("\n"):
                ports = {}
                for line in text.splitlines():
                    name, _, value = line.partition(" ")
                    if value.strip().isdigit():
                        ports[name] = int(value)
                if "native" in ports and "resp" in ports:
                    return ports
            time.sleep(0.01)  # polling for the port file, with a deadline
        raise AssertionError("mnemo-server did not write its port file in time:\n" + self.log())

    def terminate(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
        return self.proc.wait(timeout=STOP_TIMEOUT_S)

    def kill(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""


def run_tests(tests, server_args=lambda name: ()):
    """Runs each (name, fn) with a fresh server (flags from server_args(name)) in
    a fresh temporary directory; returns the process exit code."""
    failures = 0
    for name, fn in tests:
        srv = None
        tmp = tempfile.mkdtemp(prefix="mnemo-resp-")
        try:
            srv = RespServer(tmp, server_args(name))
            fn(srv)
            print("ok   %s" % name)
        except Exception:  # report every failure, then go on with the next test
            failures += 1
            print("FAIL %s" % name)
            traceback.print_exc()
            if srv is not None:
                print("--- server log ---\n" + srv.log()[-4000:])
        finally:
            if srv is not None:
                srv.kill()
            shutil.rmtree(tmp, ignore_errors=True)
    print("%d of %d tests failed" % (failures, len(tests)) if failures else "all %d tests passed" % len(tests))
    sys.stdout.flush()
    return 1 if failures else 0
