"""Stream helpers for mnemo_client.Client (docs/PROTOCOL.md: COMMAND frames
and the change feed). Standard library only; imports nothing of mnemo_client,
which exposes these as Client methods:

    c.xadd("events", {"kind": "login", "user": "ada"})   # -> b"1700000000000-0"
    c.xrange("events")                                    # -> [Entry(id, fields)]
    c.xread({"events": "0"}, count=10, block_ms=5000)     # -> {b"events": [Entry]}
    c.xgroup_create("events", "mailers", id="0", mkstream=True)
    c.xreadgroup("mailers", "m1", {"events": ">"}, block_ms=1000)
    c.xack("events", "mailers", b"1700000000000-0")
    for e in c.follow("events"):                          # every new entry, as it comes
        ...

Blocking reads: the native protocol's COMMAND frame refuses XREAD BLOCK (it
answers one request with one response), so a blocking read here is a
non-blocking XREAD / XREADGROUP, then, while it finds nothing, a change-feed
WATCH of the keys on a second connection (Client.another()) and another read
after each change of one of them. The watch is opened before the read that
follows it, so an entry added in between is never missed. Every function
takes the client as its first argument; a Client is not thread-safe.
"""

import collections
import socket
import time

# One stream entry: id (bytes) and fields, a dict of bytes to bytes (a field
# name repeated in one entry keeps its last value, as redis-py's dict does);
# fields is None for an id a consumer's history still holds after XDEL.
Entry = collections.namedtuple("Entry", "id fields")


def _b(x):
    if isinstance(x, bytes):
        return x
    if isinstance(x, int):
        return str(x).encode()
    return x.encode("utf-8")


def _entry(item):
    entry_id, flat = item
    if flat is None:
        return Entry(entry_id, None)
    return Entry(entry_id, dict(zip(flat[0::2], flat[1::2])))


def _entries(reply):
    return [_entry(item) for item in reply or []]


def _streams(reply):
    """An XREAD / XREADGROUP reply as {key: [Entry]}; {} for nil."""
    return {key: _entries(items) for key, items in reply or []}


def _pairs(fields):
    items = fields.items() if isinstance(fields, dict) else fields
    out = []
    for f, v in items:
        out += [_b(f), _b(v)]
    if not out:
        raise ValueError("an entry needs at least one field")
    return out


def xadd(c, key, fields, id="*", maxlen=None, minid=None, approximate=False, nomkstream=False,
         durable=False):
    """Appends an entry (fields: a dict or (field, value) pairs); returns its
    id, or None with nomkstream when the stream does not exist."""
    args = ["XADD", _b(key)]
    if nomkstream:
        args.append(b"NOMKSTREAM")
    if maxlen is not None or minid is not None:
        args += [b"MAXLEN" if maxlen is not None else b"MINID", b"~" if approximate else b"=",
                 _b(maxlen if maxlen is not None else minid)]
    args += [_b(id)] + _pairs(fields)
    return c.command(*args, durable=durable)


def xrange(c, key, start="-", end="+", count=None, reverse=False):
    """Entries from start up to end (XRANGE's bounds, "(" for exclusive);
    reverse=True gives them newest first (XREVRANGE end start)."""
    bounds = [_b(end), _b(start)] if reverse else [_b(start), _b(end)]
    args = ["XREVRANGE" if reverse else "XRANGE", _b(key)] + bounds
    if count is not None:
        args += [b"COUNT", _b(count)]
    return _entries(c.command(*args))


def xlen(c, key):
    return c.command("XLEN", _b(key))


def xgroup_create(c, key, group, id="$", mkstream=False):
    args = ["XGROUP", b"CREATE", _b(key), _b(group), _b(id)]
    if mkstream:
        args.append(b"MKSTREAM")
    return c.command(*args)


def xack(c, key, group, *ids):
    """Acknowledges ids; returns how many were pending."""
    return c.command("XACK", _b(key), _b(group), *[_b(i) for i in ids])


def _top_id(c, key):
    """The id XREAD's "$" stands for: nothing at or below it can be added
    any more (the newest entry, "0-0" for an empty or missing stream)."""
    newest = xrange(c, key, count=1, reverse=True)
    return newest[0].id if newest else b"0-0"


def _read_args(streams, count, group=None, noack=False):
    args = ["XREADGROUP", b"GROUP", _b(group[0]), _b(group[1])] if group else ["XREAD"]
    if count is not None:
        args += [b"COUNT", _b(count)]
    if noack:
        args.append(b"NOACK")
    keys = [_b(k) for k in streams]
    return args + [b"STREAMS"] + keys + [_b(streams[k]) for k in streams]


def _common_prefix(keys):
    prefix = keys[0]
    for k in keys[1:]:
        while not k.startswith(prefix):
            prefix = prefix[:-1]
    return prefix


def _blocking(c, read, keys, block_ms):
    """read() until it finds something, waiting on the change feed between
    tries; {} once block_ms (0: forever) passes."""
    found = read()
    if found or block_ms is None:
        return found
    deadline = None if block_ms == 0 else time.monotonic() + block_ms / 1000.0
    feed = c.another()
    try:
        watch = feed.watch(_common_prefix(keys), keys_only=True)
        while True:
            found = read()
            if found:
                return found
            if not _wait_change(feed, watch, set(keys), deadline):
                return {}
    finally:
        feed.close()


def _wait_change(feed, watch, keys, deadline):
    """Waits for a change of one of keys; False once the deadline passes."""
    while True:
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            return False
        feed.sock.settimeout(remaining)
        try:
            e = next(watch)
        except socket.timeout:
            return False
        if e.key in keys or e.kind == "flush":
            return True


def xread(c, streams, count=None, block_ms=None):
    """XREAD: streams maps each key to the id to read after ("$": only what
    is added from now, resolved before waiting). Returns {key: [Entry]}, {}
    when nothing came; block_ms waits for entries (0: forever)."""
    streams = {_b(k): (_top_id(c, k) if _b(v) == b"$" else _b(v)) for k, v in streams.items()}
    return _blocking(c, lambda: _streams(c.command(*_read_args(streams, count))), list(streams), block_ms)


def xreadgroup(c, group, consumer, streams, count=None, block_ms=None, noack=False):
    """XREADGROUP GROUP group consumer: ">" for entries never delivered, or an
    id to re-read the consumer's pending history after it (never blocks)."""
    streams = {_b(k): _b(v) for k, v in streams.items()}
    read = lambda: _streams(c.command(*_read_args(streams, count, (group, consumer), noack)))  # noqa: E731
    if any(v != b">" for v in streams.values()):
        block_ms = None  # history reads answer at once, as Redis's do
    return _blocking(c, read, list(streams), block_ms)


class Follow:
    """The iterator follow() returns: each entry of the stream once, in id
    order, waiting for new ones as long as it is iterated. close() ends it
    (it closes the second connection it opened)."""

    def __init__(self, c, key, start="$", group=None, consumer=None, ack=False, noack=False, count=100):
        if (group is None) != (consumer is None):
            raise ValueError("group and consumer go together")
        self.c, self.key, self.count = c, _b(key), count
        self.group, self.consumer, self.ack, self.noack = group, consumer, ack, noack
        self._ready = collections.deque()
        self._feed = c.another()
        self._feed.sock.settimeout(None)
        self._watch = self._feed.watch(self.key, keys_only=True)
        if group is not None:
            self.after = b">" if _b(start) == b"$" else _b(start)
        else:
            self.after = _top_id(c, self.key) if _b(start) == b"$" else _b(start)

    def __iter__(self):
        return self

    def __next__(self):
        while not self._ready:
            if not self._read_once():
                _wait_change(self._feed, self._watch, {self.key}, None)
        return self._ready.popleft()

    def _read_once(self):
        """One read; False when it found nothing new to go on with."""
        streams = {self.key: self.after}
        group = (self.group, self.consumer) if self.group is not None else None
        got = _streams(self.c.command(*_read_args(streams, self.count, group, self.noack))).get(self.key, [])
        if not got:
            if group is not None and self.after != b">":
                self.after = b">"  # the consumer's history is done: new entries now
                return True
            return False
        if self.after != b">":
            self.after = got[-1].id
        if self.ack and group is not None:
            xack(self.c, self.key, self.group, *[e.id for e in got])
        self._ready.extend(got)
        return True

    def close(self):
        self._feed.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def follow(c, key, start="$", group=None, consumer=None, ack=False, noack=False, count=100):
    """Follows one stream: from now ("$"), or after an id; with group and
    consumer it reads as XREADGROUP (the consumer's history after `start`
    first when one is given, then new entries), ack=True acknowledging each
    entry once read."""
    return Follow(c, key, start, group, consumer, ack, noack, count)
