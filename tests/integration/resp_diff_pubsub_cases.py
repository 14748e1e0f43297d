"""Pub/sub and keyspace-notification cases of resp_differential_test.py.

Besides the step kinds of resp_diff_cases.py, these use several connections:
  on(i, "SUBSCRIBE a b", n)  sends the command on connection i (0 is the case's
                             usual one; others open on first use) and reads n
                             replies; the bytes must be equal
  recv(i, n)                 reads n more replies (pushed messages) from
                             connection i without sending anything
Each case ends by switching keyspace notifications off again.
"""

from resp_diff_cases import steps


def on(i, cmd, count=1):
    return ("on", i, cmd, count)


def recv(i, count=1):
    return ("recv", i, count)


NOTIFY_OFF = "CONFIG SET notify-keyspace-events ''"

PUBSUB_CASES = [
    ("SUBSCRIBE and PUBLISH", steps(
        on(1, "SUBSCRIBE news sport", 2), "PUBLISH news hello", recv(1), "PUBLISH nobody x",
        "PUBLISH sport ''", recv(1), on(1, "SUBSCRIBE news", 1), "PUBLISH news again", recv(1),
        on(1, "UNSUBSCRIBE news", 1), "PUBLISH news gone", on(1, "UNSUBSCRIBE sport", 1),
        on(1, "UNSUBSCRIBE", 1), on(1, "UNSUBSCRIBE x y", 2), on(1, "PUNSUBSCRIBE", 1), on(1, "GET k"))),
    ("PSUBSCRIBE patterns", steps(
        on(1, "PSUBSCRIBE n* h?llo [ab]c", 3), "PUBLISH news x", recv(1), "PUBLISH hello y", recv(1),
        "PUBLISH bc z", recv(1), "PUBLISH cc none", on(2, "SUBSCRIBE news"), "PUBLISH news both",
        recv(1), recv(2), on(1, "PUNSUBSCRIBE h?llo", 1), on(1, "PUNSUBSCRIBE nosuch", 1),
        on(1, "PUNSUBSCRIBE [ab]c", 1), on(1, "SUBSCRIBE c", 1), on(1, "PUNSUBSCRIBE n*", 1),
        on(1, "UNSUBSCRIBE c", 1))),
    ("subscribed mode", steps(
        on(1, "SUBSCRIBE a"), on(1, "GET k"), on(1, "SET k v"), on(1, "PUBLISH b x"), on(1, "CONFIG GET save"),
        on(1, "PING"), on(1, "PING hi"), on(1, "NOSUCH"), on(1, "GET"), on(1, "PSUBSCRIBE p*"),
        on(1, "UNSUBSCRIBE"), on(1, "PING"), on(1, "PUNSUBSCRIBE"), on(1, "PING"), on(1, "GET k"),
        on(1, "SUBSCRIBE"), on(1, "PSUBSCRIBE"), on(1, "PUBLISH a"), on(1, "QUIT"))),
    ("PUBSUB introspection", steps(
        "PUBSUB NUMPAT", "PUBSUB CHANNELS", "PUBSUB NUMSUB", "PUBSUB NUMSUB a b", on(1, "SUBSCRIBE a b", 2),
        on(2, "SUBSCRIBE a"), on(2, "PSUBSCRIBE x* y*", 2), on(3, "PSUBSCRIBE x*"), "PUBSUB NUMSUB a b c",
        "PUBSUB NUMPAT", "PUBSUB CHANNELS b", "PUBSUB CHANNELS c*", "PUBSUB CHANNELS b x", "PUBSUB channels b x y", "PUBSUB FOO",
        "PUBSUB", "PUBSUB NUMPAT x", "PUBSUB HELP", "PUBLISH a m", "PUBLISH xa m")),
    ("notify-keyspace-events config", steps(
        "CONFIG GET notify-keyspace-events", "CONFIG SET notify-keyspace-events KEA",
        "CONFIG GET notify-keyspace-events", "CONFIG SET notify-keyspace-events Kg$x",
        "CONFIG GET notify-keyspace-events", "CONFIG SET notify-keyspace-events Elshzxetdgn$Km",
        "CONFIG GET notify-keyspace-events", "CONFIG SET notify-keyspace-events Q",
        "CONFIG GET notify-keyspace-events", "CONFIG SET notify-keyspace-events An",
        "CONFIG GET notify-keyspace-events", NOTIFY_OFF, "CONFIG GET notify-keyspace-events")),
    ("keyspace events of string commands", steps(
        "CONFIG SET notify-keyspace-events KEA", on(1, "PSUBSCRIBE __key*__:*"),
        "SET k v", recv(1, 2), "SET k v EX 100", recv(1, 4), "SETEX k 100 v", recv(1, 4), "SETNX k v",
        "SETNX n 1", recv(1, 2), "INCR n", recv(1, 2), "INCRBY n 5", recv(1, 2), "DECR n", recv(1, 2),
        "INCRBYFLOAT n 1.5", recv(1, 2), "APPEND k x", recv(1, 2), "SETRANGE k 1 yy", recv(1, 2),
        "SETRANGE k 0 ''", "MSET a 1 b 2", recv(1, 4), "GETSET a 3", recv(1, 2), "GETDEL a", recv(1, 2),
        "GETDEL a", "SET b 3 XX", recv(1, 2), "SET c 3 XX", "PUBLISH __keyspace@0__:done .", recv(1), NOTIFY_OFF)),
    ("keyspace events of key commands", steps(
        "CONFIG SET notify-keyspace-events KEg", on(1, "PSUBSCRIBE __key*__:*"), "MSET a 1 b 2 c 3",
        "DEL a", recv(1, 2), "DEL a", "DEL b zz", recv(1, 2), "EXPIRE c 100", recv(1, 2), "PERSIST c", recv(1, 2),
        "PERSIST c", "PEXPIRE c 100000 NX", recv(1, 2), "EXPIRE c 10 GT", "RENAME c d", recv(1, 4),
        "COPY d e", recv(1, 2), "SET f 1", "EXPIRE f -1", recv(1, 2), "UNLINK d e", recv(1, 4),
        "PUBLISH __keyspace@0__:done .", recv(1), NOTIFY_OFF)),
    ("keyspace events by class", steps(
        "CONFIG SET notify-keyspace-events E$", on(1, "PSUBSCRIBE *"), "SET k 1", recv(1), "DEL k",
        "INCR k", recv(1), "CONFIG SET notify-keyspace-events Kg", "SET k 2", "DEL k", recv(1),
        "CONFIG SET notify-keyspace-events KA", "SELECT 3", "SET k 1", recv(1), "SELECT 0",
        "PUBLISH end .", recv(1), NOTIFY_OFF)),
]
