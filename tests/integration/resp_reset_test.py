#!/usr/bin/python3
"""RESET forgets AUTH for the whole connection, admin rights included; RESET
and closing drop shard-channel subscriptions, as INFO's pubsubshard_channels shows.

mnemo's tokens live in two places: the RESP session (NOAUTH before AUTH) and
the Executor's session (data and admin rights). After RESET both start over:
a connection that had AUTHed with the admin token and then AUTHs with the
data token has no admin rights left (SAVE is refused), and before any AUTH
every data command is refused. The differential test covers the replies
against Redis; this covers what Redis has no counterpart for.

The test starts $MNEMO_BIN_DIR/mnemo-server (resp_support.RespServer) and
stops it by PID. Exits non-zero on any failure.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from resp_support import RespConn, check, check_eq, run_tests, wait_until  # noqa: E402

DATA, ADMIN = "data-secret", "admin-secret"


def test_reset_drops_admin_rights(srv):
    c = RespConn(srv.resp_port)
    check_eq(c.command("AUTH", ADMIN), b"+OK\r\n", "AUTH with the admin token")
    check_eq(c.command("SAVE"), b"+OK\r\n", "SAVE with admin rights")
    check_eq(c.command("RESET"), b"+RESET\r\n", "RESET")
    check(c.command("GET", "k").startswith(b"-NOAUTH"), "a data command right after RESET is refused")
    check_eq(c.command("AUTH", DATA), b"+OK\r\n", "AUTH with the data token")
    check_eq(c.command("GET", "k"), b"$-1\r\n", "a data command after AUTH")
    check(c.command("SAVE").startswith(b"-NOPERM"), "SAVE without admin rights after RESET")
    c.close()


def shard_channels(conn):
    conn.command("AUTH", DATA)
    for line in conn.command("INFO", "stats").split(b"\r\n"):
        if line.startswith(b"pubsubshard_channels:"):
            return int(line.split(b":")[1])
    raise AssertionError("INFO stats has no pubsubshard_channels")


def test_info_counts_shard_channels(srv):
    c, d, probe = RespConn(srv.resp_port), RespConn(srv.resp_port), RespConn(srv.resp_port)
    check_eq(shard_channels(probe), 0, "shard channels at the start")
    c.command("AUTH", DATA)
    d.command("AUTH", DATA)
    c.send(b"SSUBSCRIBE a b\r\n")
    check_eq([c.reply(), c.reply()][1], b"*3\r\n$10\r\nssubscribe\r\n$1\r\nb\r\n:2\r\n", "SSUBSCRIBE's 2nd confirmation")
    check_eq(d.command("SSUBSCRIBE", "b", "c"), b"*3\r\n$10\r\nssubscribe\r\n$1\r\nb\r\n:1\r\n", "d's first confirmation")
    check_eq(d.reply(), b"*3\r\n$10\r\nssubscribe\r\n$1\r\nc\r\n:2\r\n", "d's second confirmation")
    check_eq(shard_channels(probe), 3, "a, b and c have listeners")
    check_eq(c.command("RESET"), b"+RESET\r\n", "RESET in subscribed mode")
    check_eq(shard_channels(probe), 2, "b and c after c's RESET")
    d.close()
    wait_until(lambda: shard_channels(probe) == 0, 30, "no shard channel once d closed")
    c.close()
    probe.close()


if __name__ == "__main__":
    sys.exit(run_tests(
        [("RESET drops the admin rights of an earlier AUTH", test_reset_drops_admin_rights),
         ("INFO counts shard channels; RESET and closing drop them", test_info_counts_shard_channels)],
        server_args=lambda name: ["--auth-token", DATA, "--admin-token", ADMIN]))
