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

Blocking reads (block_ms) are XREAD / XREADGROUP COMMAND frames with BLOCK:
the server answers the frame when an entry comes or the time is up
(docs/PROTOCOL.md, "Blocking commands"); the socket waits that long too.
follow() is a loop of such reads on the client's own connection. Every
function takes the client as its first argument; a Client is not
thread-safe.
"""

import collections

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


def _read_args(streams, count, group=None, noack=False, block_ms=None):
    args = ["XREADGROUP", b"GROUP", _b(group[0]), _b(group[1])] if group else ["XREAD"]
    if count is not None:
        args += [b"COUNT", _b(count)]
    if block_ms is not None:
        args += [b"BLOCK", _b(block_ms)]
    if noack:
        args.append(b"NOACK")
    keys = [_b(k) for k in streams]
    return args + [b"STREAMS"] + keys + [_b(streams[k]) for k in streams]


def _read(c, args, block_ms):
    """One read; a blocking one keeps the socket waiting as long as the server
    may (block_ms 0: for ever), then puts its timeout back."""
    if block_ms is None:
        return _streams(c.command(*args))
    old = c.sock.gettimeout()
    c.sock.settimeout(None if block_ms == 0 or old is None else old + block_ms / 1000.0)
    try:
        return _streams(c.command(*args))
    finally:
        c.sock.settimeout(old)


def xread(c, streams, count=None, block_ms=None):
    """XREAD: streams maps each key to the id to read after ("$": only what
    is added from now). Returns {key: [Entry]}, {} when nothing came;
    block_ms waits for entries (0: for ever)."""
    streams = {_b(k): _b(v) for k, v in streams.items()}
    return _read(c, _read_args(streams, count, block_ms=block_ms), block_ms)


def xreadgroup(c, group, consumer, streams, count=None, block_ms=None, noack=False):
    """XREADGROUP GROUP group consumer: ">" for entries never delivered, or an
    id to re-read the consumer's pending history after it (never blocks)."""
    streams = {_b(k): _b(v) for k, v in streams.items()}
    if any(v != b">" for v in streams.values()):
        block_ms = None  # history reads answer at once, as Redis's do
    return _read(c, _read_args(streams, count, (group, consumer), noack, block_ms), block_ms)


class Follow:
    """The iterator follow() returns: each entry of the stream once, in id
    order, waiting for new ones (on the client's connection) as long as it is
    iterated."""

    def __init__(self, c, key, start="$", group=None, consumer=None, ack=False, noack=False, count=100):
        if (group is None) != (consumer is None):
            raise ValueError("group and consumer go together")
        self.c, self.key, self.count = c, _b(key), count
        self.group, self.consumer, self.ack, self.noack = group, consumer, ack, noack
        self._ready = collections.deque()
        if group is not None:
            self.after = b">" if _b(start) == b"$" else _b(start)
        else:
            self.after = _top_id(c, self.key) if _b(start) == b"$" else _b(start)

    def __iter__(self):
        return self

    def __next__(self):
        while not self._ready:
            self._read_once()
        return self._ready.popleft()

    def _read_once(self):
        """One read: the consumer's history answers at once, the rest waits
        for an entry (XREAD / XREADGROUP BLOCK 0)."""
        streams = {self.key: self.after}
        group = (self.group, self.consumer) if self.group is not None else None
        block_ms = 0 if group is None or self.after == b">" else None
        args = _read_args(streams, self.count, group, self.noack, block_ms)
        got = _read(self.c, args, block_ms).get(self.key, [])
        if not got:
            if group is not None and self.after != b">":
                self.after = b">"  # the consumer's history is done: new entries now
            return
        if self.after != b">":
            self.after = got[-1].id
        if self.ack and group is not None:
            xack(self.c, self.key, self.group, *[e.id for e in got])
        self._ready.extend(got)

    def close(self):
        """Nothing to release: the reads run on the client's connection."""

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
