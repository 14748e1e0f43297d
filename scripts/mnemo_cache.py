"""A small client-side read cache over mnemo's native protocol.

    from mnemo_cache import CachedClient
    c = CachedClient("127.0.0.1", 7070, max_entries=10000)
    c.get(b"user:1")          # first read: from the server, tracked; later reads: local
    c.set(b"user:1", b"ada")  # writes go to the server (and drop the local copy)

Reads go out as GET with the TRACK flag (docs/PROTOCOL.md 6c): the server then
sends an invalidation (an EVENT frame with id 0) when the key changes, expires
or is flushed, or when its tracking table is full. What this module promises:

- Bounded: at most max_entries values, least recently used dropped first.
- Never stale once told: before serving a local copy it reads, without
  waiting, every frame the server has already sent, so an invalidation that
  has arrived is always applied first. A read whose answer crosses an
  invalidation of its key (the invalidation's version is newer than the
  value's) is returned but not kept.
- Expiry: a copy is not served past its expire_at_ms, whatever the clocks say
  about the invalidation that follows.
- Cleared on reconnect, on SELECT, and whenever the connection fails (the
  invalidations sent meanwhile are lost with it).
- Own writes through this object drop the keys they name at once;
  anything else written through command() clears the whole cache.

Against a server that predates TRACK (BAD_REQUEST), reads simply go to the
server. Not thread-safe, like Client.
"""

import collections
import time

from mnemo_client import Client, ConnectionClosed, MnemoError

_WRITES_ONE_KEY = ("delete", "incrby", "expire", "persist")


class ReadCache:
    """The cache itself: key -> (value, version, expire_at_ms), LRU-bounded."""

    def __init__(self, max_entries):
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self._entries = collections.OrderedDict()
        self._pending = {}  # key -> newest invalidation version seen while its read is in flight
        self.hits = self.misses = self.invalidations = self.flushes = 0

    def __len__(self):
        return len(self._entries)

    def lookup(self, key, now_ms):
        e = self._entries.get(key)
        if e is None:
            return None
        if e[2] and e[2] <= now_ms:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return e

    def begin_read(self, key):
        self._pending[key] = 0

    def end_read(self, key, entry):
        """Keeps `entry` (value, version, expire_at_ms) unless an invalidation
        newer than it arrived while the read was in flight."""
        floor = self._pending.pop(key, 0)
        if entry is None or entry[1] < floor:
            return
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def drop(self, key):
        self._entries.pop(key, None)

    def clear(self):
        self._entries.clear()
        self._pending.clear()

    def on_invalidation(self, e):
        """Client.on_invalidation: a WatchEvent with watch_id 0."""
        if e.kind == "invalidate":
            self.invalidations += 1
            self._entries.pop(e.key, None)
            if e.key in self._pending:
                self._pending[e.key] = max(self._pending[e.key], e.version)
        elif e.kind == "flush":
            self.flushes += 1
            self._entries.clear()
            for k in self._pending:
                self._pending[k] = max(self._pending[k], e.version)
        # other kinds: none is sent for tracking today; a future one is ignored


class CachedClient:
    """A Client whose get() is served from a ReadCache when it can."""

    def __init__(self, host="127.0.0.1", port=7070, max_entries=10000, **client_args):
        self._connect_args = (host, port, client_args)
        self.cache = ReadCache(max_entries)
        self.tracking = True  # False once the server refused TRACK
        self._client = None

    # -- connection -----------------------------------------------------------

    @property
    def client(self):
        if self._client is None:
            host, port, args = self._connect_args
            self.cache.clear()  # whatever was kept may have changed while unconnected
            self._client = Client(host, port, **args)
            self._client.on_invalidation = self.cache.on_invalidation
        return self._client

    def reconnect(self):
        self.close()
        return self.client

    def close(self):
        if self._client is not None:
            self._client.close()
            self._client = None
        self.cache.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _guard(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (ConnectionClosed, OSError):
            self.close()  # invalidations may have been lost: start over
            raise

    # -- reads ----------------------------------------------------------------

    def get(self, key, with_meta=False):
        """As Client.get; served locally while the server has not invalidated it."""
        key = key.encode() if isinstance(key, str) else bytes(key)
        c = self.client
        if self.tracking:
            self._guard(c.poll_events)
            e = self.cache.lookup(key, int(time.time() * 1000))
            if e is not None:
                self.cache.hits += 1
                return e if with_meta else e[0]
        self.cache.misses += 1
        return self._fetch(c, key, with_meta)

    def _fetch(self, c, key, with_meta):
        if not self.tracking:
            return self._guard(c.get, key, with_meta)
        self.cache.begin_read(key)
        try:
            entry = self._guard(c.get, key, True, True)
        except MnemoError as err:
            self.cache.end_read(key, None)
            if err.status != "BAD_REQUEST":
                raise
            self.tracking = False  # a server without TRACK
            return self._guard(c.get, key, with_meta)
        except BaseException:
            self.cache.end_read(key, None)
            raise
        self.cache.end_read(key, entry)
        if entry is None:
            return None
        return entry if with_meta else entry[0]

    # -- writes and everything else -------------------------------------------

    def set(self, key, value, **kwargs):
        self.cache.drop(key.encode() if isinstance(key, str) else bytes(key))
        return self._guard(self.client.set, key, value, **kwargs)

    def mset(self, pairs, **kwargs):
        pairs = list(pairs.items()) if isinstance(pairs, dict) else list(pairs)
        for k, _ in pairs:
            self.cache.drop(k.encode() if isinstance(k, str) else bytes(k))
        return self._guard(self.client.mset, pairs, **kwargs)

    def select(self, db):
        self.cache.clear()  # tracked names are per server, copies per database
        return self._guard(self.client.select, db)

    def command(self, *args, **kwargs):
        self.cache.clear()  # it may write any key
        return self._guard(self.client.command, *args, **kwargs)

    def __getattr__(self, name):
        fn = getattr(self.client, name)
        if name in _WRITES_ONE_KEY:
            def write(key, *args, **kwargs):
                self.cache.drop(key.encode() if isinstance(key, str) else bytes(key))
                return self._guard(fn, key, *args, **kwargs)
            return write
        if callable(fn):
            return lambda *args, **kwargs: self._guard(fn, *args, **kwargs)
        return fn
