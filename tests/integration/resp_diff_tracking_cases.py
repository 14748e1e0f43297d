"""Client-side caching cases of resp_differential_test.py (CLIENT TRACKING,
CACHING, GETREDIR, TRACKINGINFO and the invalidations), in the step language
of resp_diff_pubsub_cases.py. They run over RESP3 (every connection sends
HELLO 3 first), where invalidations are push frames on the tracking
connection itself. Each case writes one tracked key per command: Redis sends
one frame per key where mnemo sends one frame per command (docs/RESP.md).
"""

from resp_diff_cases import steps
from resp_diff_pubsub_cases import on, recv

TRACKING_CASES = [
    ("CLIENT TRACKING options and errors", steps(
        "CLIENT TRACKING", "CLIENT TRACKING maybe", "CLIENT TRACKING ON PREFIX a", "CLIENT TRACKING ON BCAST OPTIN",
        "CLIENT TRACKING ON OPTIN OPTOUT", "CLIENT TRACKING ON REDIRECT 0", "CLIENT TRACKING ON REDIRECT x",
        "CLIENT TRACKING ON BOGUS", "CLIENT TRACKING ON REDIRECT", "CLIENT TRACKING ON BCAST PREFIX a PREFIX ab",
        "CLIENT GETREDIR", "CLIENT TRACKINGINFO", "CLIENT CACHING YES", "CLIENT TRACKING ON OPTIN",
        "CLIENT CACHING NO", "CLIENT CACHING YES", "CLIENT CACHING maybe", "CLIENT TRACKINGINFO",
        "CLIENT TRACKING ON OPTOUT", "CLIENT TRACKING ON BCAST", "CLIENT GETREDIR", "CLIENT TRACKING OFF",
        "CLIENT TRACKINGINFO", "CLIENT GETREDIR", "CLIENT TRACKING ON BCAST PREFIX b PREFIX a",
        "CLIENT TRACKINGINFO", "CLIENT TRACKING ON BCAST PREFIX ab", "CLIENT TRACKING ON BCAST PREFIX c NOLOOP",
        "CLIENT TRACKINGINFO", "CLIENT TRACKING OFF", "CLIENT TRACKING OFF", "CLIENT TRACKING ON OPTOUT NOLOOP",
        "CLIENT CACHING NO", "CLIENT TRACKINGINFO", "CLIENT TRACKING OFF", "CONFIG GET tracking-table-max-keys",
        "CONFIG GET tracking*",
        "CLIENT TRACKING ON REDIRECT 1 REDIRECT 2", "CLIENT CACHING", "CLIENT GETREDIR x", "CLIENT TRACKINGINFO x")),
    ("invalidation after another client's write", steps(
        "SET k v", on(1, "CLIENT TRACKING ON"), on(1, "GET k"), "SET k w", recv(1), on(1, "GET k"),
        "APPEND k x", recv(1), "APPEND k y", on(1, "STRLEN k"), "DEL k", recv(1), on(1, "EXISTS k"),
        "SET k 1", recv(1), on(1, "GET k"), "FLUSHDB", recv(1), on(1, "GET k"), "SET k 2", on(1, "PING"))),
    ("invalidation of collections", steps(
        on(1, "CLIENT TRACKING ON"), "HSET h f 1", on(1, "HGETALL h"), "HSET h g 2", recv(1),
        on(1, "HGET h f"), "HDEL h f", recv(1), "SADD s a", on(1, "SMEMBERS s"), "SREM s a", recv(1),
        "ZADD z 1 m", on(1, "ZSCORE z m"), "ZINCRBY z 2 m", recv(1), "RPUSH l a", on(1, "LRANGE l 0 -1"),
        "LPOP l", recv(1), on(1, "PING"))),
    ("own writes, NOLOOP and MULTI", steps(
        "SET k v", on(1, "CLIENT TRACKING ON"), on(1, "GET k"), on(1, "SET k x", 2), on(1, "GET k"),
        on(2, "CLIENT TRACKING ON NOLOOP"), on(2, "GET k"), on(2, "SET k y"), on(2, "GET k"), recv(1),
        on(1, "GET k"), "SET k z", recv(1), recv(2), on(1, "MULTI"), on(1, "GET k"), on(1, "EXEC"),
        "SET k w", recv(1))),
    ("OPTIN and OPTOUT", steps(
        "SET a 1", "SET b 1", on(1, "CLIENT TRACKING ON OPTIN"), on(1, "GET a"), on(1, "CLIENT CACHING YES"),
        on(1, "GET b"), "SET a 2", "SET b 2", recv(1), on(2, "CLIENT TRACKING ON OPTOUT"),
        on(2, "CLIENT CACHING NO"), on(2, "GET a"), on(2, "GET b"), "SET a 3", "SET b 3", recv(2),
        on(1, "PING"), on(2, "PING"))),
    ("BCAST prefixes", steps(
        on(1, "CLIENT TRACKING ON BCAST PREFIX user: PREFIX cart:"), "SET user:1 a", recv(1), "SET other b",
        "SET cart:9 c", recv(1), "DEL user:1", recv(1), on(2, "CLIENT TRACKING ON BCAST"), "SET any x",
        recv(2), on(1, "PING"))),
]
