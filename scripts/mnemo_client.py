#!/usr/bin/env python3
"""Minimal mnemo client over the native binary protocol (docs/PROTOCOL.md).

Standard library only. Importable:

    from mnemo_client import Client, MnemoError
    with Client("127.0.0.1", 7070) as c:
        v = c.set(b"k", b"v", ttl_ms=5000)   # returns the new version
        c.get(b"k")                          # (b"v", version, expire_at_ms) or None

and usable as a tiny CLI:  python3 mnemo_client.py [-H host] [-p port] get KEY

Keys and values are bytes (str is encoded as UTF-8). Errors raise MnemoError
carrying the status name (e.g. "VERSION_MISMATCH"); a missing key on get()
returns None. A Client is not thread-safe.
"""

import select
import socket
import struct
import collections
import sys

import mnemo_streams

PROTOCOL_VERSION = 1
HELLO_MAGIC = 0x4F4D4E4D

OPS = {
    "HELLO": 0x01, "AUTH": 0x02, "PING": 0x03,
    "GET": 0x10, "SET": 0x11, "DEL": 0x12, "INCRBY": 0x13, "MGET": 0x14, "MSET": 0x15,
    "EXPIRE": 0x16, "PERSIST": 0x17, "TTL": 0x18, "EXISTS": 0x19, "SCAN": 0x1A,
    "DBSIZE": 0x1B, "SYNC": 0x1C, "SELECT": 0x1D, "TXN": 0x1E, "COMMAND": 0x1F,
    "WATCH": 0x20, "UNWATCH": 0x21,
    "SNAPSHOT": 0x30, "SNAPSHOTS": 0x31, "STATS": 0x32, "BACKUP": 0x33, "SHUTDOWN": 0x34,
}
OP_EVENT = 0x22  # change-feed event, sent by the server on its own
OP_NAMES = {v: k for k, v in OPS.items()}

STATUS_NAMES = [
    "OK", "NOT_FOUND", "EXISTS", "VERSION_MISMATCH", "WRONG_TYPE", "TOO_LARGE", "BAD_REQUEST",
    "UNAUTHORIZED", "FORBIDDEN", "BUSY", "READ_ONLY", "OUT_OF_MEMORY", "INTERNAL",
    "UNSUPPORTED_VERSION", "UNKNOWN_COMMAND", "SHUTTING_DOWN", "COMPACTED",
]
COMPACTED = 16

DURABLE, EPHEMERAL, NX, XX, KEEPTTL, WAIT, TRACK = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40
WATCH_FROM, WATCH_COMMITTED, WATCH_KEYS_ONLY = 0x01, 0x02, 0x04
EVENT_KINDS = {1: "set", 2: "del", 3: "flush", 4: "elements", 5: "expired", 6: "progress",
               7: "invalidate"}
TRACKING_ID = 0  # the id field of client-side caching's invalidations (docs/PROTOCOL.md 6c)

# One change-feed event (docs/PROTOCOL.md, "Change feed"). kind is one of
# EVENT_KINDS' names; key and value are bytes; for "progress" only version counts.
WatchEvent = collections.namedtuple("WatchEvent", "watch_id kind db version key value expire_at_ms")

SNAPSHOT_STATES = {0: "running", 1: "complete", 2: "failed"}


def status_name(code):
    return STATUS_NAMES[code] if code < len(STATUS_NAMES) else "STATUS_%d" % code


class MnemoError(Exception):
    """An error status from the server. .status is its name, .code its number."""

    def __init__(self, code, message, op=None):
        self.code = code
        self.status = status_name(code)
        self.message = message
        self.op = op
        super().__init__("%s: %s" % (self.status, message) if message else self.status)


class Compacted(MnemoError):
    """WATCH from a version the journal no longer holds. .oldest_version is the
    smallest from_version the server can still serve: re-read with SCAN, then
    watch from the version read."""

    def __init__(self, message, oldest_version):
        super().__init__(COMPACTED, message, "WATCH")
        self.oldest_version = oldest_version


class ConnectionClosed(Exception):
    """The server closed the connection (or sent something unreadable)."""


def _b(x):
    if isinstance(x, bytes):
        return x
    if isinstance(x, (bytearray, memoryview)):
        return bytes(x)
    return str(x).encode("utf-8")


def _bytes_field(x):
    x = _b(x)
    return struct.pack("<I", len(x)) + x


class _Reader:
    """Reads fields from one response payload; never past its end."""

    def __init__(self, data):
        self.data = data
        self.pos = 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ConnectionClosed("response payload shorter than its fields")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt):
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))

    def u8(self):
        return self.unpack("<B")[0]

    def u16(self):
        return self.unpack("<H")[0]

    def u32(self):
        return self.unpack("<I")[0]

    def u64(self):
        return self.unpack("<Q")[0]

    def i64(self):
        return self.unpack("<q")[0]

    def bytes(self):
        return self.take(self.u32())

    def snapshot(self):
        sid, start_seq, state, entries, nbytes, duration_ms, started_at_ms = self.unpack("<QQBQQQq")
        return {"id": sid, "start_seq": start_seq, "state": SNAPSHOT_STATES.get(state, state),
                "entries": entries, "bytes": nbytes, "duration_ms": duration_ms,
                "started_at_ms": started_at_ms}

    def done(self):
        if self.pos != len(self.data):
            raise ConnectionClosed("trailing bytes after the response payload")


def _parse_ok(op, r):
    """Decodes an OK payload into the value the Client method returns."""
    if op == OPS["HELLO"]:
        return (r.u16(), r.bytes().decode("utf-8", "replace"))
    if op == OPS["AUTH"]:
        return r.u8() == 1
    if op in (OPS["PING"], OPS["STATS"]):
        return r.bytes().decode("utf-8", "replace")
    if op == OPS["GET"]:
        return (r.bytes(), r.u64(), r.i64())
    if op in (OPS["SET"], OPS["DEL"], OPS["EXPIRE"], OPS["MSET"], OPS["SYNC"]):
        return r.u64()
    if op == OPS["PERSIST"]:
        return (r.u64(), r.u8() == 1)
    if op == OPS["INCRBY"]:
        return (r.i64(), r.u64())
    if op in (OPS["TTL"], OPS["EXISTS"], OPS["DBSIZE"]):
        return r.i64()
    if op == OPS["MGET"]:
        out = []
        for _ in range(r.u32()):
            out.append((r.bytes(), r.u64()) if r.u8() else None)
        return out
    if op == OPS["SCAN"]:
        cursor = r.bytes()
        return (cursor, [r.bytes() for _ in range(r.u32())])
    if op == OPS["COMMAND"]:
        version = r.u64()
        return (version, _read_value(r))
    if op == OPS["TXN"]:
        applied, version = r.u8() == 1, r.u64()
        return TxnResult(applied, version, [r.u64() for _ in range(r.u32())])
    if op == OPS["SNAPSHOT"]:
        return r.snapshot()
    if op == OPS["SNAPSHOTS"]:
        return [r.snapshot() for _ in range(r.u32())]
    if op == OPS["WATCH"]:
        return (r.u64(), r.u64())
    return None  # BACKUP, SHUTDOWN, UNWATCH


def decode_event(body):
    """An EVENT frame's body (header included) as a WatchEvent."""
    _status, _op, _reserved, watch_id = struct.unpack_from("<BBHQ", body)
    r = _Reader(body[12:])
    kind, db, version, expire_at_ms = r.u8(), r.u32(), r.u64(), r.i64()
    key, value = r.bytes(), r.bytes()
    r.done()
    return WatchEvent(watch_id, EVENT_KINDS.get(kind, "kind_%d" % kind), db, version, key, value, expire_at_ms)


def _read_value(r):
    """One COMMAND reply value (docs/PROTOCOL.md): int, bytes, str (a status),
    MnemoError (an error inside an array), list, or None."""
    tag = r.u8()
    if tag == 0:
        return None
    if tag == 1:
        return r.i64()
    if tag == 2:
        return r.bytes()
    if tag == 3:
        return r.bytes().decode("utf-8", "replace")
    if tag == 4:
        text = r.bytes().decode("utf-8", "replace")
        return MnemoError(STATUS_NAMES.index("BAD_REQUEST"), text, "COMMAND")
    if tag == 5:
        return [_read_value(r) for _ in range(r.u32())]
    raise ConnectionClosed("unknown COMMAND value tag %d" % tag)


TxnResult = collections.namedtuple("TxnResult", "applied version versions")
TxnResult.__doc__ = """TXN's answer: applied (every condition held, the writes are done),
version (the unit's version, 0 when not applied or nothing changed) and
versions (each condition key's version when checked, 0 = absent)."""

_TXN_CHECKS = {"exists": 2, "missing": 3}


def encode_txn(writes, conditions=()):
    """TXN payload. conditions: (key, V) with V a version > 0, "exists" or
    "missing". writes: ("set", key, value[, ttl_ms]) or ("del", key)."""
    conditions, writes = list(conditions), list(writes)
    out = [struct.pack("<I", len(conditions))]
    for key, check in conditions:
        if isinstance(check, int):
            out.append(struct.pack("<B", 1) + _bytes_field(key) + struct.pack("<Q", check))
        else:
            out.append(struct.pack("<B", _TXN_CHECKS[check]) + _bytes_field(key) + struct.pack("<Q", 0))
    out.append(struct.pack("<I", len(writes)))
    for w in writes:
        if w[0] == "set":
            ttl_ms = w[3] if len(w) > 3 else 0
            out.append(struct.pack("<B", 1) + _bytes_field(w[1]) + _bytes_field(w[2]) + struct.pack("<Q", ttl_ms))
        elif w[0] == "del":
            out.append(struct.pack("<B", 2) + _bytes_field(w[1]) + _bytes_field(b"") + struct.pack("<Q", 0))
        else:
            raise ValueError("a TXN write is ('set', key, value[, ttl_ms]) or ('del', key)")
    return b"".join(out)


def encode_request(op, req_id, payload=b"", flags=0):
    """One request frame: u32 length | u8 op | u8 flags | u16 0 | u64 id | payload."""
    body = struct.pack("<BBHQ", op, flags, 0, req_id) + payload
    return struct.pack("<I", len(body)) + body


class Client:
    def __init__(self, host="127.0.0.1", port=7070, auth_token=None, admin_token=None,
                 timeout=10.0, hello=True, client_name="mnemo_client.py", db=0):
        self._params = dict(host=host, port=port, auth_token=auth_token, admin_token=admin_token,
                            timeout=timeout, hello=hello, client_name=client_name, db=db)
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._buf = bytearray()
        self._events = collections.deque()  # change-feed events read while waiting for a response
        # Client-side caching: called with each invalidation (a WatchEvent with
        # watch_id TRACKING_ID) as soon as it is read; see mnemo_cache.py.
        self.on_invalidation = None
        self._poller = None
        self._next_id = 1
        self.version = PROTOCOL_VERSION
        self.admin = False
        if hello:
            self.version, self.server_info = self.hello(client_name)
        token = admin_token or auth_token
        if token:
            self.admin = self.auth(token)
        if db:
            self.select(db)

    # -- plumbing -------------------------------------------------------------

    def another(self):
        """A new connection with this one's server, tokens and database."""
        return Client(**self._params)

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _frame(self, op, payload=b"", flags=0):
        req_id = self._next_id
        self._next_id += 1
        return req_id, encode_request(OPS[op], req_id, payload, flags)

    def _read_frame(self):
        while True:
            if len(self._buf) >= 4:
                (n,) = struct.unpack_from("<I", self._buf)
                if len(self._buf) >= 4 + n:
                    body = bytes(self._buf[4:4 + n])
                    del self._buf[:4 + n]
                    return body
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise ConnectionClosed("the server closed the connection")
            self._buf += chunk

    def _read_response(self, req_id):
        """Returns (status_code, op, payload reader) for the next response."""
        while True:
            body = self._read_frame()
            if len(body) < 12:
                raise ConnectionClosed("response shorter than its header")
            status, op, _reserved, rid = struct.unpack_from("<BBHQ", body)
            if status != 0 or op != OP_EVENT:
                break
            self._take_event(decode_event(body))
        if rid != req_id:
            raise ConnectionClosed("response id %d does not match request id %d" % (rid, req_id))
        return status, op, _Reader(body[12:])

    def _take_event(self, e):
        """Queues a watch's event; hands an invalidation to on_invalidation."""
        if e.watch_id == TRACKING_ID:
            if self.on_invalidation is not None:
                self.on_invalidation(e)
        else:
            self._events.append(e)

    def poll_events(self):
        """Reads, without waiting, whatever the server has already sent, and
        takes its events (invalidations go to on_invalidation). Call it only
        with no request outstanding: every whole frame then is an event."""
        if self._poller is None:
            self._poller = select.poll()
            self._poller.register(self.sock, select.POLLIN)
        while self._poller.poll(0):
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise ConnectionClosed("the server closed the connection")
            self._buf += chunk
            if len(chunk) < (1 << 16):
                break
        while len(self._buf) >= 4:
            (n,) = struct.unpack_from("<I", self._buf)
            if len(self._buf) < 4 + n:
                break
            body = self._read_frame()
            status, op = body[0], body[1]
            if status != 0 or op != OP_EVENT:
                raise ConnectionClosed("a response nobody asked for (status %d, op %d)" % (status, op))
            self._take_event(decode_event(body))

    def _result(self, status, op, r):
        if status == COMPACTED and op == OPS["WATCH"]:
            message = r.bytes().decode("utf-8", "replace")
            raise Compacted(message, r.u64())
        if status != 0:
            message = r.bytes().decode("utf-8", "replace")
            raise MnemoError(status, message, OP_NAMES.get(op))
        value = _parse_ok(op, r)
        r.done()
        return value

    def call(self, op, payload=b"", flags=0):
        req_id, frame = self._frame(op, payload, flags)
        self.sock.sendall(frame)
        return self._result(*self._read_response(req_id))

    def pipeline(self):
        """Collects requests and sends them in one write: see Pipeline."""
        return Pipeline(self)

    # -- commands -------------------------------------------------------------

    def hello(self, client_name="mnemo_client.py", version=PROTOCOL_VERSION):
        return self.call("HELLO", struct.pack("<IH", HELLO_MAGIC, version) + _bytes_field(client_name))

    def auth(self, token):
        return self.call("AUTH", _bytes_field(token))

    def ping(self, payload=b""):
        return self.call("PING", _bytes_field(payload))

    def get(self, key, with_meta=False, track=False):
        """Value, or None if missing. with_meta=True: (value, version, expire_at_ms).
        track=True: the server sends an invalidation when the key changes
        (client-side caching; mnemo_cache.CachedClient uses it)."""
        try:
            value = self.call("GET", _bytes_field(key), TRACK if track else 0)
        except MnemoError as e:
            if e.status == "NOT_FOUND":
                return None
            raise
        return value if with_meta else value[0]

    def set(self, key, value, ttl_ms=0, nx=False, xx=False, if_version=0, durable=False,
            ephemeral=False, keepttl=False):
        return self.call("SET", *_set_args(key, value, ttl_ms, nx, xx, if_version, durable,
                                           ephemeral, keepttl))

    def delete(self, key, if_version=0, durable=False):
        return self.call("DEL", _bytes_field(key) + struct.pack("<Q", if_version),
                         DURABLE if durable else 0)

    def incrby(self, key, delta=1, durable=False, ephemeral=False):
        """Returns (new value, version)."""
        return self.call("INCRBY", _bytes_field(key) + struct.pack("<q", delta),
                         _write_flags(durable, ephemeral))

    def mget(self, keys, track=False):
        """List with (value, version) or None per key. track: as get()'s."""
        return self.call("MGET", _key_list(keys), TRACK if track else 0)

    def mset(self, pairs, ttl_ms=0, durable=False, ephemeral=False):
        items = list(pairs.items()) if isinstance(pairs, dict) else list(pairs)
        payload = struct.pack("<QI", ttl_ms, len(items))
        payload += b"".join(_bytes_field(k) + _bytes_field(v) for k, v in items)
        return self.call("MSET", payload, _write_flags(durable, ephemeral))

    def expire(self, key, ttl_ms, durable=False):
        return self.call("EXPIRE", _bytes_field(key) + struct.pack("<Q", ttl_ms),
                         DURABLE if durable else 0)

    def persist(self, key, durable=False):
        """Returns (version, changed)."""
        return self.call("PERSIST", _bytes_field(key), DURABLE if durable else 0)

    def ttl(self, key):
        """Remaining ms, -1 without expiry; MnemoError NOT_FOUND if missing."""
        return self.call("TTL", _bytes_field(key))

    def exists(self, *keys):
        if len(keys) == 1 and isinstance(keys[0], (list, tuple)):
            keys = keys[0]
        return self.call("EXISTS", _key_list(keys))

    def scan_page(self, prefix=b"", cursor=b"", count=0):
        """One SCAN page: (next cursor, keys); an empty cursor means done."""
        return self.call("SCAN", _bytes_field(prefix) + _bytes_field(cursor) + struct.pack("<I", count))

    def scan(self, prefix=b"", count=0):
        """Iterates over every key starting with prefix, following the cursor."""
        cursor = b""
        while True:
            cursor, keys = self.scan_page(prefix, cursor, count)
            yield from keys
            if not cursor:
                return

    def dbsize(self):
        return self.call("DBSIZE")

    def select(self, db):
        """Moves this connection's later requests to database `db` (RESP's SELECT)."""
        return self.call("SELECT", struct.pack("<I", db))

    def sync(self):
        return self.call("SYNC")

    def command(self, *args, durable=False):
        """Runs any command of the server's command table by name (HSET, LPUSH,
        ZRANGE, EVAL ...) and returns its reply (see _read_value); a failing
        command raises MnemoError with Redis's error text.

            c.command("HSET", "user:1", "name", "ada")   # -> 1
            c.command("HGETALL", "user:1")               # -> [b"name", b"ada"]
        """
        return self.call("COMMAND", _key_list(args), DURABLE if durable else 0)[1]

    def txn(self, writes, conditions=(), durable=False):
        """Applies every write, all or none, only if every condition holds
        (encode_txn documents both lists); returns a TxnResult.

            r = c.txn([("set", b"balance", b"90")], conditions=[(b"balance", 7)])
            if not r.applied: ...  # someone wrote first: r.versions[0] is its version
        """
        return self.call("TXN", encode_txn(writes, conditions), DURABLE if durable else 0)

    def snapshot(self, wait=False):
        return self.call("SNAPSHOT", b"", WAIT if wait else 0)

    def snapshots(self):
        return self.call("SNAPSHOTS")

    def stats(self):
        """The STATS JSON document, parsed."""
        import json
        return json.loads(self.call("STATS"))

    def backup(self, path):
        return self.call("BACKUP", _bytes_field(path))

    def shutdown(self):
        return self.call("SHUTDOWN")

    # -- streams (mnemo_streams.py documents each) ---------------------------

    def xadd(self, key, fields, **kw):
        return mnemo_streams.xadd(self, key, fields, **kw)

    def xrange(self, key, start="-", end="+", count=None, reverse=False):
        return mnemo_streams.xrange(self, key, start, end, count, reverse)

    def xread(self, streams, count=None, block_ms=None):
        return mnemo_streams.xread(self, streams, count, block_ms)

    def xgroup_create(self, key, group, id="$", mkstream=False):
        return mnemo_streams.xgroup_create(self, key, group, id, mkstream)

    def xreadgroup(self, group, consumer, streams, count=None, block_ms=None, noack=False):
        return mnemo_streams.xreadgroup(self, group, consumer, streams, count, block_ms, noack)

    def xack(self, key, group, *ids):
        return mnemo_streams.xack(self, key, group, *ids)

    def follow(self, key, start="$", **kw):
        """An iterator of every new entry of the stream (mnemo_streams.Follow)."""
        return mnemo_streams.follow(self, key, start, **kw)

    # -- change feed ----------------------------------------------------------

    def watch(self, prefix, from_version=None, committed=False, keys_only=False, progress=False):
        """Follows every change to keys starting with `prefix` in the
        connection's database; returns a Watch, an iterator of WatchEvent in
        version order. from_version: resume after it (raises Compacted when
        the journal no longer holds it). committed: only changes the journal
        has committed. progress: also yield "progress" events (the position
        to save while the feed is quiet); Watch.position always has it.
        Several watches may share a connection; while one is open, use the
        connection only for watch(), unwatch() and iterating."""
        options = (WATCH_FROM if from_version is not None else 0) | \
                  (WATCH_COMMITTED if committed else 0) | (WATCH_KEYS_ONLY if keys_only else 0)
        payload = struct.pack("<BQ", options, from_version or 0) + _bytes_field(prefix)
        watch_id, start = self.call("WATCH", payload)
        return Watch(self, watch_id, start, progress)

    def unwatch(self, watch_id):
        """Ends a watch: no event of it arrives after this returns."""
        self.call("UNWATCH", struct.pack("<Q", watch_id))
        self._events = collections.deque(e for e in self._events if e.watch_id != watch_id)

    def _next_event(self, watch_id):
        for i, e in enumerate(self._events):
            if e.watch_id == watch_id:
                del self._events[i]
                return e
        while True:
            body = self._read_frame()
            status, op, _reserved, _rid = struct.unpack_from("<BBHQ", body)
            if status != 0 or op != OP_EVENT:
                raise ConnectionClosed("unexpected response frame while watching")
            e = decode_event(body)
            if e.watch_id == watch_id:
                return e
            self._take_event(e)


class Watch:
    """The iterator watch() returns. .position: every change up to it has been
    yielded (save it, and resume with watch(prefix, from_version=position))."""

    def __init__(self, client, watch_id, start, progress):
        self.client, self.id, self.position, self.progress = client, watch_id, start, progress

    def __iter__(self):
        return self

    def __next__(self):
        while True:
            e = self.client._next_event(self.id)
            self.position = max(self.position, e.version)
            if e.kind != "progress" or self.progress:
                return e

    def close(self):
        self.client.unwatch(self.id)


def _write_flags(durable, ephemeral):
    return (DURABLE if durable else 0) | (EPHEMERAL if ephemeral else 0)


def _set_args(key, value, ttl_ms, nx, xx, if_version, durable, ephemeral, keepttl):
    flags = _write_flags(durable, ephemeral) | (NX if nx else 0) | (XX if xx else 0)
    flags |= KEEPTTL if keepttl else 0
    payload = _bytes_field(key) + _bytes_field(value) + struct.pack("<QQ", ttl_ms, if_version)
    return payload, flags


def _key_list(keys):
    keys = list(keys)
    return struct.pack("<I", len(keys)) + b"".join(_bytes_field(k) for k in keys)


class Pipeline:
    """Queues requests, sends them in one write, reads the responses in order.

        p = client.pipeline()
        for i in range(1000):
            p.set(b"k%d" % i, b"v")
        results = p.execute()   # one entry per request: its value, or a MnemoError

    Errors are returned in place (not raised) so one failure does not hide the
    other results; execute(raise_on_error=True) raises the first one instead.
    """

    def __init__(self, client):
        self.client = client
        self.frames = []
        self.ids = []

    def _add(self, op, payload=b"", flags=0):
        req_id, frame = self.client._frame(op, payload, flags)
        self.frames.append(frame)
        self.ids.append(req_id)
        return self

    def ping(self, payload=b""):
        return self._add("PING", _bytes_field(payload))

    def get(self, key):
        return self._add("GET", _bytes_field(key))

    def set(self, key, value, ttl_ms=0, nx=False, xx=False, if_version=0, durable=False,
            ephemeral=False, keepttl=False):
        return self._add("SET", *_set_args(key, value, ttl_ms, nx, xx, if_version, durable,
                                           ephemeral, keepttl))

    def delete(self, key, if_version=0):
        return self._add("DEL", _bytes_field(key) + struct.pack("<Q", if_version))

    def incrby(self, key, delta=1):
        return self._add("INCRBY", _bytes_field(key) + struct.pack("<q", delta))

    def execute(self, raise_on_error=False):
        c = self.client
        c.sock.sendall(b"".join(self.frames))
        results = []
        for req_id in self.ids:
            try:
                results.append(c._result(*c._read_response(req_id)))
            except MnemoError as e:
                results.append(e)
        self.frames, self.ids = [], []
        if raise_on_error:
            for r in results:
                if isinstance(r, MnemoError):
                    raise r
        return results


# -- CLI ----------------------------------------------------------------------

USAGE = """usage: mnemo_client.py [-H host] [-p port] [--auth-token T] [--admin-token T] CMD ARGS...
commands: ping | get KEY | set KEY VALUE [TTL_MS] | del KEY | incr KEY [BY] | mget KEY... |
          mset KEY VALUE... | expire KEY MS | persist KEY | ttl KEY | exists KEY... |
          scan PREFIX | dbsize | sync | snapshot | snapshots | stats | backup PATH | shutdown"""


def _cli_run(c, cmd, args):
    simple = {
        "ping": lambda: c.ping(*args[:1]),
        "set": lambda: c.set(args[0], args[1], int(args[2]) if len(args) > 2 else 0),
        "del": lambda: c.delete(args[0]),
        "incr": lambda: c.incrby(args[0], int(args[1]) if len(args) > 1 else 1)[0],
        "mset": lambda: c.mset(list(zip(args[0::2], args[1::2]))),
        "expire": lambda: c.expire(args[0], int(args[1])),
        "persist": lambda: int(c.persist(args[0])[1]),
        "ttl": lambda: c.ttl(args[0]),
        "exists": lambda: c.exists(args),
        "dbsize": c.dbsize, "sync": c.sync, "snapshot": c.snapshot, "shutdown": c.shutdown,
        "backup": lambda: c.backup(args[0]),
    }
    out = sys.stdout.buffer
    if cmd == "get":
        v = c.get(args[0])
        if v is None:
            return 1
        out.write(v + b"\n")
    elif cmd == "mget":
        for v in c.mget(args):
            out.write((v[0] if v else b"(nil)") + b"\n")
    elif cmd == "scan":
        for k in c.scan(args[0] if args else b""):
            out.write(k + b"\n")
    elif cmd == "snapshots":
        for s in c.snapshots():
            out.write((" ".join("%s=%s" % kv for kv in s.items()) + "\n").encode())
    elif cmd == "stats":
        import json
        out.write((json.dumps(c.stats(), indent=2) + "\n").encode())
    elif cmd in simple:
        r = simple[cmd]()
        out.write(("OK" if r is None else str(r)).encode() + b"\n")
    else:
        sys.stderr.write(USAGE + "\n")
        return 2
    return 0


def main(argv):
    host, port, auth, admin = "127.0.0.1", 7070, None, None
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        opt = argv[i]
        if opt in ("-h", "--help"):
            print(USAGE)
            return 0
        if i + 1 >= len(argv):
            sys.stderr.write(USAGE + "\n")
            return 2
        val = argv[i + 1]
        if opt == "-H":
            host = val
        elif opt == "-p":
            port = int(val)
        elif opt == "--auth-token":
            auth = val
        elif opt == "--admin-token":
            admin = val
        else:
            sys.stderr.write(USAGE + "\n")
            return 2
        i += 2
    if i >= len(argv):
        sys.stderr.write(USAGE + "\n")
        return 2
    cmd, args = argv[i], [a.encode("utf-8", "surrogateescape") for a in argv[i + 1:]]
    try:
        with Client(host, port, auth_token=auth, admin_token=admin) as c:
            return _cli_run(c, cmd, args)
    except MnemoError as e:
        sys.stderr.write("error: %s\n" % e)
        return 1 if e.status == "NOT_FOUND" else 2
    except (OSError, ConnectionClosed, IndexError, ValueError) as e:
        sys.stderr.write("error: %s\n" % e)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
