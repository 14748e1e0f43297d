#!/usr/bin/python3
"""Blocking commands in native COMMAND frames (docs/PROTOCOL.md, "Blocking
commands"), against a real mnemo-server child process (127.0.0.1, ephemeral
ports, stopped by PID):

- the golden bytes of PROTOCOL.md: an XREAD BLOCK frame answered when an XADD
  arrives over RESP, and a timeout answered exactly as the non-blocking
  read's empty answer;
- a native XREAD BLOCK woken by a RESP XADD, a RESP XREAD BLOCK and BLPOP
  woken by native writes; native BLPOP waiters served in FIFO order;
- XREADGROUP BLOCK delivers to the consumer (pending until XACK);
- frames pipelined behind a blocked one run after its answer, in order;
- a connection closed while blocked leaves no waiter (INFO blocked_clients
  drops back) and a later write to its key works;
- DURABLE on a blocking command and WAITAOF are refused.
Exits non-zero on any failure.
"""

import os
import socket
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from resp_support import SOURCE_DIR, check, check_eq, run_tests  # noqa: E402
from resp_blocking_test import Call, blocked, start, wait_blocked  # noqa: E402
sys.path.insert(0, os.path.join(SOURCE_DIR, "scripts"))
from mnemo_client import OPS, Client, MnemoError, _key_list, encode_request  # noqa: E402

import redis  # noqa: E402

TIMEOUT_S = 60

# docs/PROTOCOL.md, "Blocking commands": XREAD BLOCK 0 STREAMS s $ (id 7), and
# its answer once `XADD s 1-1 f v` ran: version 0, then the reply value.
GOLDEN_XREAD_BLOCK = ("3c000000 1f 00 0000 0700000000000000 06000000 05000000 5852454144 05000000 424c4f434b"
                      " 01000000 30 07000000 53545245414d53 01000000 73 01000000 24")
GOLDEN_XREAD_ANSWER = ("47000000 00 1f 0000 0700000000000000 0000000000000000"
                       " 05 01000000 05 02000000 02 01000000 73 05 01000000 05 02000000 02 03000000 312d31"
                       " 05 02000000 02 01000000 66 02 01000000 76")
# XREAD BLOCK 10 STREAMS s $ (id 8) times out: nil, as XREAD STREAMS s 1-1 (id 8) answers.
GOLDEN_TIMEOUT_ANSWER = "15000000 00 1f 0000 0800000000000000 0000000000000000 00"


def unhex(s):
    return bytes.fromhex(s.replace(" ", ""))


class Raw:
    """A native connection that sends and reads frames byte for byte (no HELLO)."""

    def __init__(self, srv):
        self.sock = socket.create_connection(("127.0.0.1", srv.port), timeout=TIMEOUT_S)
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)

    def command(self, req_id, *args, flags=0):
        self.send(encode_request(OPS["COMMAND"], req_id, _key_list(args), flags))

    def frame(self):
        while True:
            if len(self.buf) >= 4:
                (n,) = struct.unpack_from("<I", self.buf)
                if len(self.buf) >= 4 + n:
                    f, self.buf = self.buf[:4 + n], self.buf[4 + n:]
                    return f
            chunk = self.sock.recv(65536)
            check(chunk != b"", "the server closed the connection")
            self.buf += chunk

    def close(self):
        self.sock.close()


def resp(srv):
    return redis.Redis(host="127.0.0.1", port=srv.resp_port, socket_timeout=TIMEOUT_S)


def test_golden_bytes(srv):
    r, c = resp(srv), Raw(srv)
    try:
        check_eq(encode_request(OPS["COMMAND"], 7, _key_list(["XREAD", "BLOCK", "0", "STREAMS", "s", "$"])),
                 unhex(GOLDEN_XREAD_BLOCK), "the documented request")
        c.send(unhex(GOLDEN_XREAD_BLOCK))
        wait_blocked(r, 1)
        check_eq(r.xadd("s", {"f": "v"}, id="1-1"), b"1-1", "XADD over RESP")
        check_eq(c.frame(), unhex(GOLDEN_XREAD_ANSWER), "the documented answer")
        c.command(8, "XREAD", "BLOCK", "10", "STREAMS", "s", "$")
        check_eq(c.frame(), unhex(GOLDEN_TIMEOUT_ANSWER), "a timeout's answer")
        c.command(8, "XREAD", "STREAMS", "s", "1-1")
        check_eq(c.frame(), unhex(GOLDEN_TIMEOUT_ANSWER), "the non-blocking read's empty answer: the same bytes")
        check_eq(blocked(r), 0, "nobody blocked any more")
    finally:
        c.close()


def test_both_ports_wake_each_other(srv):
    r, w = resp(srv), Client("127.0.0.1", srv.port, timeout=TIMEOUT_S)
    reader = Client("127.0.0.1", srv.port, timeout=TIMEOUT_S)
    try:
        call = start(Call(reader.xread, {"s": "$"}, None, 0))
        wait_blocked(r, 1)
        eid = r.xadd("s", {"from": "resp"})
        check_eq(call.get(), {b"s": [(eid, {b"from": b"resp"})]}, "native XREAD BLOCK woken by a RESP XADD")
        r2 = resp(srv)
        call = start(Call(r2.xread, {"s": "$"}, None, 0))
        wait_blocked(r, 1)
        eid = w.xadd("s", {"from": "native"})
        check_eq(call.get(), [[b"s", [(eid, {b"from": b"native"})]]], "RESP XREAD BLOCK woken by a native XADD")
        call = start(Call(r2.blpop, ["l"], 0))
        wait_blocked(r, 1)
        w.command("RPUSH", "l", "x")
        check_eq(call.get(), (b"l", b"x"), "RESP BLPOP woken by a native RPUSH")
    finally:
        w.close()
        reader.close()


def test_native_blpop_fifo(srv):
    r = resp(srv)
    clients = [Client("127.0.0.1", srv.port, timeout=TIMEOUT_S) for _ in range(3)]
    try:
        calls = []
        for i, c in enumerate(clients):
            calls.append(start(Call(c.command, "BLPOP", "q", "0")))
            wait_blocked(r, i + 1)
        for i, call in enumerate(calls):
            r.rpush("q", "e%d" % i)
            check_eq(call.get(), [b"q", b"e%d" % i], "waiter %d gets push %d" % (i, i))
        cid = clients[1].command("CLIENT", "ID")
        call = start(Call(clients[1].command, "BLPOP", "q", "0"))
        wait_blocked(r, 1)
        check_eq(r.client_unblock(cid), True, "CLIENT UNBLOCK of a native frame's client id")
        check_eq(call.get(), None, "CLIENT UNBLOCK answers as a timeout")
        check_eq(clients[0].command("BLPOP", "q", "0.01"), None, "a timeout: nil, as LPOP of an empty list")
        check_eq(clients[0].command("LPOP", "q"), None, "LPOP of an empty list")
    finally:
        for c in clients:
            c.close()


def test_group_read_blocks_until_an_entry(srv):
    r, c = resp(srv), Client("127.0.0.1", srv.port, timeout=TIMEOUT_S)
    try:
        c.xgroup_create("jobs", "workers", id="$", mkstream=True)
        call = start(Call(c.xreadgroup, "workers", "w1", {"jobs": ">"}, 10, 0))
        wait_blocked(r, 1)
        eid = r.xadd("jobs", {"n": "1"})
        check_eq(call.get(), {b"jobs": [(eid, {b"n": b"1"})]}, "XREADGROUP BLOCK delivers to the consumer")
        check_eq(r.xpending("jobs", "workers")["pending"], 1, "pending until acknowledged")
        check_eq(c.xack("jobs", "workers", eid), 1, "XACK")
        check_eq(c.xreadgroup("workers", "w1", {"jobs": ">"}, block_ms=10), {}, "a group read that times out")
    finally:
        c.close()


def test_pipelined_frames_wait(srv):
    r, c = resp(srv), Raw(srv)
    try:
        r.set("k", "v1")
        c.send(encode_request(OPS["COMMAND"], 1, _key_list(["BLPOP", "q", "0"])) +
               encode_request(OPS["COMMAND"], 2, _key_list(["GET", "k"])) +
               encode_request(OPS["COMMAND"], 3, _key_list(["LLEN", "q"])))
        wait_blocked(r, 1)
        r.set("k", "v2")  # before the push: a GET that waits behind the BLPOP sees it
        r.rpush("q", "a", "b")
        ids = []
        values = []
        for _ in range(3):
            f = c.frame()
            ids.append(struct.unpack_from("<Q", f, 8)[0])
            values.append(f[4])
        check_eq(ids, [1, 2, 3], "answers in request order")
        check_eq(values, [0, 0, 0], "all OK")
        r2 = Client("127.0.0.1", srv.port, timeout=TIMEOUT_S)
        check_eq(r2.command("LRANGE", "q", "0", "-1"), [b"b"], "the BLPOP took one element")
        r2.close()
    finally:
        c.close()


def test_disconnect_while_blocked(srv):
    r = resp(srv)
    for cmd in (["XREAD", "BLOCK", "0", "STREAMS", "gone", "$"], ["BLPOP", "gone-list", "0"]):
        c = Raw(srv)
        c.command(1, *cmd)
        wait_blocked(r, 1)
        c.close()
        wait_blocked(r, 0)
    check(r.xadd("gone", {"a": "1"}) is not None, "a later XADD to the key")
    check_eq(r.rpush("gone-list", "x"), 1, "a later push: nobody took it")
    check_eq(r.ping(), True, "the server is alive")


def test_refusals(srv):
    c = Client("127.0.0.1", srv.port, timeout=TIMEOUT_S)
    try:
        for args in (["BLPOP", "q", "0"], ["XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"],
                     ["WAITAOF", "1", "0", "0"]):
            try:
                c.command(*args, durable=args[0] != "WAITAOF")
                raise AssertionError("%s was not refused" % args[0])
            except MnemoError as e:
                check_eq(e.status, "BAD_REQUEST", "refused: %r" % e)
        check_eq(c.command("PING"), "PONG", "the connection goes on")
    finally:
        c.close()


if __name__ == "__main__":
    sys.exit(run_tests([
        ("golden bytes", test_golden_bytes),
        ("both ports wake each other", test_both_ports_wake_each_other),
        ("native BLPOP FIFO", test_native_blpop_fifo),
        ("group read blocks", test_group_read_blocks_until_an_entry),
        ("pipelined frames wait", test_pipelined_frames_wait),
        ("disconnect while blocked", test_disconnect_while_blocked),
        ("refusals", test_refusals),
    ]))
