#!/usr/bin/env python3
"""A script past --lua-time-limit-ms on the io thread every connection shares.

The server runs with one io thread, so the client sending SCRIPT KILL or
SHUTDOWN NOSAVE is served by the very thread the script holds: the script's
hook must serve it from inside the script (server/busy_loop.h). Clients are
synchronised on the server's own answers (-BUSY), never by sleeping.
"""

import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resp_support import RespConn, check, check_eq, encode_command, run_tests, wait_until  # noqa: E402

ADMIN = "busy-admin-token"
LOOP = "while true do end"
BUSY = b"-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n"


def start_script(srv, body):
    """Sends EVAL body 0 on its own connection and returns it, unanswered."""
    conn = RespConn(srv.resp_port, timeout_s=30)
    conn.send(encode_command(["EVAL", body, "0"]))
    return conn


def wait_busy(conn):
    """Until PING answers -BUSY: the script is past its time limit."""
    replies = []

    def busy():
        replies.append(conn.command("PING"))
        return replies[-1] == BUSY

    wait_until(busy, 30, "PING to answer -BUSY (last reply %r)" % (replies[-1:],))


def test_kill_served_on_the_same_thread(srv):
    other = RespConn(srv.resp_port)
    check_eq(other.command("SET", "before", "1"), b"+OK\r\n", "a write before the script")
    script = start_script(srv, LOOP)
    late = RespConn(srv.resp_port)  # connected while the script already runs
    wait_busy(late)
    check_eq(other.command("GET", "before"), BUSY, "a read while the script is busy")
    check_eq(other.command("EVAL", "return 1", "0"), BUSY, "another script while one is busy")
    check_eq(late.command("SCRIPT", "KILL"), b"+OK\r\n", "SCRIPT KILL from the script's own thread")
    killed = script.reply()
    check(killed.startswith(b"-ERR Script killed by user with SCRIPT KILL..."), "the script's reply: %r" % killed)
    check_eq(late.command("PING"), b"+PONG\r\n", "PING after the kill")
    check_eq(other.command("GET", "before"), b"$1\r\n1\r\n", "GET after the kill")
    check_eq(script.command("PING"), b"+PONG\r\n", "the script's connection goes on")


def test_native_request_refused_while_busy(srv):
    script = start_script(srv, LOOP)
    resp = RespConn(srv.resp_port)
    wait_busy(resp)
    native = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
    try:
        # A PING frame (docs/PROTOCOL.md): u32 length, then u8 op 0x03, u8 flags,
        # u16 reserved, u64 id and the payload (bytes: u32 length, none here).
        body = struct.pack("<BBHQ", 0x03, 0, 0, 7) + struct.pack("<I", 0)
        native.sendall(struct.pack("<I", len(body)) + body)
        head = b""
        while len(head) < 16:
            chunk = native.recv(16 - len(head))
            check(chunk, "the native connection closed")
            head += chunk
        _length, status, _op, _reserved, req_id = struct.unpack("<IBBHQ", head)
        check_eq(status, 9, "a native request on the busy thread answers Status::busy")
        check_eq(req_id, 7, "the response's request id")
    finally:
        native.close()
    check_eq(resp.command("SCRIPT", "KILL"), b"+OK\r\n", "SCRIPT KILL")
    check(script.reply().startswith(b"-ERR Script killed"), "the script ends")


def test_shutdown_nosave_abandons_a_writing_script(srv):
    admin = RespConn(srv.resp_port)
    check_eq(admin.command("AUTH", ADMIN), b"+OK\r\n", "AUTH with the admin token")
    check_eq(admin.command("SET", "acked", "1"), b"+OK\r\n", "an acknowledged write")
    start_script(srv, "redis.call('SET', 'half', '1') " + LOOP)
    wait_busy(admin)
    kill = admin.command("SCRIPT", "KILL")
    check(kill.startswith(b"-UNKILLABLE Sorry the script already executed write commands"), "UNKILLABLE: %r" % kill)
    check_eq(admin.command("SHUTDOWN"), BUSY, "SHUTDOWN without NOSAVE while busy")
    admin.send(encode_command(["SHUTDOWN", "NOSAVE"]))
    check_eq(srv.proc.wait(timeout=60), 0, "the server's exit code")
    check("a busy script was abandoned" in srv.log(), "the log says why it stopped")
    srv.restart_after_sigkill()
    conn = RespConn(srv.resp_port)
    check_eq(conn.command("GET", "acked"), b"$1\r\n1\r\n", "the acknowledged write came back")
    check_eq(conn.command("EXISTS", "half"), b":0\r\n", "the abandoned script's write did not (all or none)")


def test_sigterm_while_busy(srv):
    conn = RespConn(srv.resp_port)
    check_eq(conn.command("SET", "acked", "1"), b"+OK\r\n", "an acknowledged write")
    start_script(srv, "redis.call('SET', 'half', '1') " + LOOP)
    wait_busy(conn)
    check_eq(srv.terminate(), 0, "SIGTERM ends the server although the script never ends")
    srv.restart_after_sigkill()
    conn = RespConn(srv.resp_port)
    check_eq(conn.command("MGET", "acked", "half"), b"*2\r\n$1\r\n1\r\n$-1\r\n", "after the restart")


TESTS = [
    ("SCRIPT KILL served on the script's own io thread", test_kill_served_on_the_same_thread),
    ("a native request on the busy thread is refused", test_native_request_refused_while_busy),
    ("SHUTDOWN NOSAVE abandons a script that wrote", test_shutdown_nosave_abandons_a_writing_script),
    ("SIGTERM stops a server whose script never ends", test_sigterm_while_busy),
]

if __name__ == "__main__":
    sys.exit(run_tests(TESTS, lambda name: ["--threads", "1", "--lua-time-limit-ms", "100",
                                            "--admin-token", ADMIN]))
