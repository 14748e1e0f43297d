"""The systematic cases of resp_differential_test.py.

A case is (name, steps); each runs on fresh connections to both servers after
both key spaces were emptied. A step is:
  "SET k v EX 10"          the exact reply bytes must be equal (shlex quoting;
                           a list of str/bytes words also works)
  ttl("TTL k")             integers equal, or within a second (TTL) / 500 ms (PTTL)
  shape("CLIENT ID")       the same RESP type (the value differs by nature, or, for a
                           deadline within a minute of INT64_MAX ms, by mnemo's clamp)
  pairs("CONFIG GET x")    the same name/value pairs in any order
  members("COMMAND LIST")  the same array elements in any order
  hello("HELLO 2")         HELLO's map, id and version blanked
  info("INFO server")      the same sections, among those mnemo has
  scan("SCAN 0 MATCH a*")  a full SCAN iteration returns the same keys
  raw(b"...", n)           raw bytes: the same n replies and the same close
  mnemo("CMD", reply)      a deliberate difference (docs/RESP.md): mnemo's exact
                           reply; fails if Redis happens to agree
"""

import time


def ttl(cmd):
    return ("ttl", cmd)


def shape(cmd):
    return ("shape", cmd)


def pairs(cmd):
    return ("pairs", cmd)


def members(cmd):
    return ("members", cmd)


def hello(cmd):
    return ("hello", cmd)


def info(cmd):
    return ("info", cmd)


def scan(cmd):
    return ("scan", cmd)


def raw(data, count=1):
    return ("raw", data, count)


def mnemo(cmd, reply, reply3=None):
    """reply3: mnemo's reply over RESP3, where it differs from the RESP2 one."""
    return ("mnemo", cmd, reply, reply3 if reply3 is not None else reply)


def steps(*items):
    return [("exact", s) if isinstance(s, (str, list)) else s for s in items]


NOT_INT = "-ERR value is not an integer or out of range\r\n"
FAR_S = str(int(time.time()) + 100000)  # an EXAT well in the future
FAR_MS = str((int(time.time()) + 100000) * 1000)

SET_CASES = [
    ("SET basics", steps(
        "SET k v", "GET k", "SET k v NX", "SET k w XX", "GET k", "SET m v XX", "GET m",
        "SET k v NX XX", "SET k v XX NX", "set k v nx", "SET k v nx nx", "SET k v xx xx", "SET k v FOO",
        "SET k", "SET", "SET k v EX", "SET k v PX", "SET k v EXAT", "SET '' empty", "GET ''",
        ["SET", b"\x00\xff\r\n", b"\r\n\x00"], ["GET", b"\x00\xff\r\n"])),
    ("SET expiry options", steps(
        "SET k v EX 100", ttl("TTL k"), "SET k v PX 100000", ttl("PTTL k"), "SET k v EX 100 PX 100",
        "SET k v PX 100 EX 100", "SET k v EX 100 EX 200", ttl("TTL k"), "SET k v PX 100000 PX 300000",
        ttl("PTTL k"), "SET k v EXAT " + FAR_S, ttl("TTL k"), "SET k v PXAT " + FAR_MS, ttl("TTL k"),
        "SET k v EXAT " + FAR_S + " EXAT " + FAR_S, "SET k v EX 100 EXAT " + FAR_S, "SET k v EX 0",
        "SET k v EX -1", "SET k v PX 0", "SET k v PX -100", "SET k v EXAT 0", "SET k v PXAT -1",
        "SET k v EX x", "SET k v EX ''", "SET k v EX 1.5", "SET k v EX +5", "SET k v EX 05",
        "SET k v EX 9223372036854775807", "SET k v EX 9223372036854775", "SET k v EX 9223372036854774",
        "SET k v PX 9223372036854775807", "SET k v EXAT 9223372036854775", shape("TTL k"),
        "SET k v PXAT 9223372036854775807", shape("PTTL k"), "SET k v EX 100 NX", "set k v px 100000 xx",
        ttl("PTTL k"))),
    ("SET KEEPTTL", steps(
        "SET k v EX 100", "SET k w KEEPTTL", ttl("TTL k"), "GET k", "SET k v KEEPTTL KEEPTTL", ttl("TTL k"),
        "SET k v EX 100 KEEPTTL", "SET k v KEEPTTL EX 100", "SET k v KEEPTTL PX 100", "SET k v PXAT 1 KEEPTTL",
        "SET k v", "TTL k", "SET n v KEEPTTL", "TTL n", "SET k v KEEPTTL XX", "SET k v NX KEEPTTL")),
    ("SET with a time already past", steps(
        "SET k v EXAT 1", "GET k", "EXISTS k", "SET k v", "SET k w PXAT 1", "GET k", "SET k v",
        "SET k w EXAT 1 NX", "GET k", "SET k w PXAT 1000 XX", "EXISTS k", "SET k w EXAT 1 XX", "EXISTS k",
        "SET k w EXAT 1 NX", "EXISTS k", "DBSIZE")),
    ("SET GET", steps(
        "SET k v1 GET", "SET k v2 GET", "GET k", "SET k v3 NX GET", "GET k", "SET m v XX GET", "EXISTS m",
        "SET k v4 XX GET", "SET k v5 GET EX 100", ttl("TTL k"), "SET k v6 GET KEEPTTL", ttl("TTL k"),
        "SET k v7 GET", "TTL k", "SET k v8 GET GET", "SET k v9 get ex 100 nx", "SET k v GET EXAT 1",
        "EXISTS k", "SET k v GET PXAT 1", "EXISTS k", "SET k v NX GET EX 0", "SET k v GET BOGUS",
        "SET k v GET NX XX", "INCR n", "SET n 5 GET", "GET n")),
    ("SETNX SETEX PSETEX", steps(
        "SETNX k v", "SETNX k w", "GET k", "SETNX k", "SETNX k v w", "SETEX k 100 v", ttl("TTL k"),
        "SETEX k 0 v", "SETEX k -1 v", "SETEX k x v", "SETEX k 1.5 v", "SETEX k 100", "PSETEX k 100000 v",
        ttl("PTTL k"), "PSETEX k 0 v", "PSETEX k -5 v", "SETEX k 9223372036854775807 v",
        "SETEX k 9223372036854775 v", "SETEX k 9223372036854774 v", "PSETEX k 9223372036854775807 v",
        "PSETEX k 9223372036854775000 v", "GET k")),
]

STRING_CASES = [
    ("GETSET GETDEL", steps(
        "GETSET k v", "GETSET k w", "GET k", "GETSET k", "GETSET k a b", "SET k v EX 100", "GETSET k x",
        "TTL k", "GETDEL k", "GETDEL k", "EXISTS k", "GETDEL", "GETDEL a b", "SET e ''", "GETDEL e",
        ["GETSET", "b", b"\x00\r\n"], ["GETDEL", "b"])),
    ("GETEX", steps(
        "GETEX k", "SET k v", "GETEX k", "TTL k", "GETEX k EX 100", ttl("TTL k"), "GETEX k PX 200000",
        ttl("PTTL k"), "GETEX k EXAT " + FAR_S, ttl("TTL k"), "GETEX k PXAT " + FAR_MS, ttl("TTL k"),
        "GETEX k PERSIST", "TTL k", "GETEX k PERSIST", "GETEX k EX 100 EX 200", ttl("TTL k"),
        "GETEX k EX 100 PX 100", "GETEX k PERSIST EX 100", "GETEX k EX 100 PERSIST", "GETEX k KEEPTTL",
        "GETEX k EX", "GETEX k EX 0", "GETEX k EX -1", "GETEX k PX 0", "GETEX k EX x", "GETEX k EXAT 0",
        "GETEX k EX 9223372036854775807", "GETEX k PX 9223372036854775807", "GETEX k FOO", "GETEX missing EX 0",
        "GETEX missing PERSIST", "GETEX k EXAT 1", "EXISTS k", "GETEX", "getex k")),
    ("APPEND STRLEN", steps(
        "APPEND k abc", "APPEND k def", "GET k", "STRLEN k", "STRLEN missing", "APPEND k ''", "STRLEN k",
        "APPEND e ''", "EXISTS e", "SET k v EX 100", "APPEND k w", ttl("TTL k"), "SET n 10", "APPEND n 5",
        "INCR n", "APPEND", "APPEND k", "APPEND k a b", "STRLEN", "STRLEN a b",
        ["APPEND", "b", b"\x00\r\n"], "STRLEN b")),
    ("GETRANGE", steps(
        "SET k 'Hello World'", "GETRANGE k 0 4", "GETRANGE k -5 -1", "GETRANGE k 6 100", "GETRANGE k 0 -1",
        "GETRANGE k -100 3", "GETRANGE k 5 2", "GETRANGE k -1 -5", "GETRANGE k -3 -5", "GETRANGE k 11 11",
        "GETRANGE k 10 10", "GETRANGE k 0 0", "GETRANGE k -1 0", "GETRANGE missing 0 -1", "GETRANGE k x 1",
        "GETRANGE k 0 x", "GETRANGE k 1.5 2", "GETRANGE k 0 9223372036854775807",
        "GETRANGE k -9223372036854775808 -1", "SET e ''", "GETRANGE e 0 -1", "GETRANGE e -1 0", "GETRANGE",
        "GETRANGE k 0", "GETRANGE k 0 1 2", "SUBSTR k 0 1")),
    ("SETRANGE", steps(
        "SETRANGE k 0 abc", "GET k", "SETRANGE k 5 xy", ["GET", "k"], "STRLEN k", "SETRANGE k 1 Z", "GET k",
        "SETRANGE k 0 ''", "SETRANGE missing 3 ''", "EXISTS missing", "SETRANGE missing 3 a", "GET missing",
        "SETRANGE k -1 a", "SETRANGE k x a", "SETRANGE k 536870912 a",
        mnemo("SETRANGE k 16777216 a", b"-ERR value is 16777217 bytes; the limit is 16777216 bytes (max value size)\r\n"),
        "DEL k", "SETRANGE k 536870911 ''", "SET t v EX 100", "SETRANGE t 1 w", ttl("TTL t"), "SETRANGE",
        "SETRANGE k 0", "SETRANGE k 0 a b")),
    ("INCRBYFLOAT", steps(
        "INCRBYFLOAT f 1.5", "INCRBYFLOAT f 0.1", "INCRBYFLOAT f -1.6", "GET f", "INCRBYFLOAT f 1e3",
        "INCRBYFLOAT f 5.0e-3", "INCRBYFLOAT f -0", "INCRBYFLOAT f x", "INCRBYFLOAT f ''", "INCRBYFLOAT f ' 1'",
        "INCRBYFLOAT f '1 '", "INCRBYFLOAT f inf", "INCRBYFLOAT f -inf", "INCRBYFLOAT f nan",
        "INCRBYFLOAT f 1.7976931348623157e308", "SET f abc", "INCRBYFLOAT f 1", "SET f 10", "INCRBYFLOAT f 0",
        "SET f 3.0", "INCRBYFLOAT f 0", "SET f ' 1'", "INCRBYFLOAT f 1", "SET f 5 EX 100", "INCRBYFLOAT f 2.5",
        ttl("TTL f"), "SET f 1", "INCRBYFLOAT f 0.3", "INCRBYFLOAT f 10.5e2", "INCRBYFLOAT f 0x10",
        "INCRBYFLOAT", "INCRBYFLOAT f", "INCRBYFLOAT f 1 2")),
]

NUMBER_CASES = [
    ("INCR family", steps(
        "INCR n", "INCRBY n 10", "INCRBY n -5", "DECRBY n 3", "DECR n", "GET n", "INCRBY n x",
        "INCRBY n ''", "INCRBY n 01", "INCRBY n +1", "INCRBY n 1.0", "INCRBY n ' 1'",
        "INCRBY n 9223372036854775807", "INCRBY n 9223372036854775808", "DECRBY n -9223372036854775808",
        "DECRBY n 9223372036854775808", "SET n 9223372036854775807", "INCR n", "INCRBY n 0",
        "SET n -9223372036854775808", "DECR n", "DECRBY n 1", "INCRBY n -9223372036854775808",
        "INCRBY n 9223372036854775807", "INCR", "INCR n x", "INCRBY n", "DECRBY n 1 2")),
    ("INCR on values that are not integers", steps(
        "SET s abc", "INCR s", "SET s ' 1'", "INCR s", "SET s 01", "INCR s", "SET s +1", "INCR s",
        "SET s 1.5", "INCR s", "SET s ''", "INCR s", "SET s 12345678901234567890", "INCR s", "SET s -0",
        "INCR s", "SET s '1 '", "DECR s", "SET s 9223372036854775806", "INCR s", "GET s", "SET s -1",
        "INCRBY s -9223372036854775807", "DECRBY s 1")),
    ("INCR keeps the expiry", steps("SET n 1 EX 100", "INCR n", ttl("TTL n"), "DECRBY n 5", ttl("TTL n"))),
]

SCAN_KEYS = ["MSET", "a1", "1", "a2", "2", "b1", "3", "ab", "4", "a*", "5", "a?", "6", "[a]", "7", "a\\b", "8",
             "", "9", "A1", "10", "\xe9t\xe9", "11"]

KEYS_CASES = [
    ("MGET MSET", steps(
        "MSET a 1 b 2", "MGET a b c a", "MGET c", "MGET", "MSET a", "MSET a 1 b", "MSET", "MSET a 3 a 4",
        "GET a", "MSET a 1 EX 10", "MGET a EX")),
    ("DEL UNLINK EXISTS TYPE", steps(
        "MSET a 1 b 2 c 3", "EXISTS a a b z", "EXISTS z", "EXISTS", "DEL a a z", "DEL b c", "DEL z",
        "DEL", "MSET a 1 b 2", "UNLINK a b z", "UNLINK", "SET t v", "TYPE t", "TYPE z", "TYPE", "TYPE t x",
        "DBSIZE", "DBSIZE x")),
    ("GET arity", steps("GET", "GET a b", "get missing", "GeT missing")),
    ("TOUCH", steps("MSET a 1 b 2", "TOUCH a", "TOUCH a b z a", "TOUCH z", "TOUCH")),
    ("OBJECT", steps(
        "SET i 123", "SET s abc", ["SET", "l", "x" * 45], ["SET", "e", "x" * 44], "SET z 0", "SET big 20000",
        "SET neg -5", "SET lead 0123", "SET long 12345678901234567890", "SET plus +1",
        "OBJECT ENCODING i", "OBJECT ENCODING s", "OBJECT ENCODING l", "OBJECT ENCODING e",
        "OBJECT ENCODING neg", "OBJECT ENCODING lead", "OBJECT ENCODING long", "OBJECT ENCODING plus",
        "OBJECT ENCODING missing", "OBJECT REFCOUNT i", "OBJECT REFCOUNT s", "OBJECT REFCOUNT z",
        "OBJECT REFCOUNT big", "OBJECT REFCOUNT neg", "OBJECT REFCOUNT missing", "OBJECT FREQ i",
        "OBJECT FREQ missing", "OBJECT IDLETIME missing", shape("OBJECT IDLETIME i"), "OBJECT HELP",
        "OBJECT", "OBJECT FOO k", "OBJECT ENCODING", "OBJECT ENCODING a b", "object encoding i",
        "OBJECT HELP x")),
    ("MEMORY USAGE", steps(
        "SET k v", shape("MEMORY USAGE k"), "MEMORY USAGE missing", shape("MEMORY USAGE k SAMPLES 5"),
        shape("MEMORY USAGE k SAMPLES 0"), "MEMORY USAGE k SAMPLES x", "MEMORY USAGE k SAMPLES -1",
        "MEMORY USAGE k FOO", "MEMORY USAGE k SAMPLES", "MEMORY USAGE", "MEMORY", "MEMORY FOO",
        "MEMORY HELP x")),
    ("TIME", steps(shape("TIME"), "TIME x")),
    ("MSETNX", steps(
        "MSETNX a 1 b 2", "MGET a b", "MSETNX a 3 c 4", "MGET a b c", "MSETNX c 5 c 6", "GET c", "MSETNX a",
        "MSETNX a 1 b", "MSETNX")),
    ("RENAME RENAMENX", steps(
        "RENAME a b", "SET a 1", "RENAME a b", "GET a", "GET b", "SET c 3 EX 100", "RENAME c b", ttl("TTL b"),
        "GET b", "RENAME b b", "RENAME z z", "RENAMENX b x", "RENAMENX x x", "SET y 1", "RENAMENX x y",
        "RENAMENX nosuch q", "RENAME", "RENAME a", "RENAME a b c", "RENAMENX a", "MGET b x y")),
    ("COPY", steps(
        "SET a 1", "COPY a b", "GET b", "COPY a b", "SET a 2", "COPY a b REPLACE", "GET b", "COPY a a",
        "COPY nosuch b", "COPY a b DB x", "COPY a b DB 16", "COPY a b DB -1", "COPY a b DB", "COPY a b FOO",
        "COPY a b REPLACE REPLACE", "COPY a b DB 3", "SELECT 3", "GET b", "SELECT 0", "COPY a a DB 0",
        "COPY a a DB 3", "SET e v EX 100", "COPY e f", ttl("TTL f"), "COPY", "COPY a")),
    ("KEYS RANDOMKEY FLUSHDB", steps(
        "RANDOMKEY", "KEYS *", SCAN_KEYS, members("KEYS *"), members("KEYS a*"), members("KEYS a?"),
        members("KEYS [ab]1"), "KEYS nosuch", shape("RANDOMKEY"), "RANDOMKEY x", "KEYS", "KEYS a b",
        "FLUSHDB x", "FLUSHDB ASYNC x", "FLUSHDB async", "DBSIZE", "SET a 1", "FLUSHDB SYNC", "DBSIZE",
        "SET a 1", "FLUSHALL ASYNC", "DBSIZE", "FLUSHALL x", "FLUSHALL sync", "RANDOMKEY")),
]

EXPIRE_CASES = [
    ("EXPIRE basics", steps(
        "SET k v", "EXPIRE k 100", ttl("TTL k"), ttl("PTTL k"), "EXPIRE m 100", "PEXPIRE k 200000",
        ttl("PTTL k"), "EXPIREAT k " + FAR_S, ttl("TTL k"), "PEXPIREAT k " + FAR_MS, ttl("TTL k"),
        "EXPIRE k x", "EXPIRE k ''", "EXPIRE k 1.5", "EXPIRE", "EXPIRE k", "PEXPIRE k", "TTL", "TTL k x",
        "PTTL", "EXPIRE k 9223372036854775807", "EXPIRE k 9223372036854775", "EXPIRE k -9223372036854775808",
        "EXPIRE k -9223372036854775", "PEXPIRE k 9223372036854775807", "EXPIREAT k 9223372036854775807",
        "PEXPIREAT k 9223372036854775807", shape("TTL k"), "EXPIREAT k 9223372036854775", shape("TTL k"))),
    ("EXPIRE to a moment past deletes", steps(
        "SET k v", "EXPIRE k 0", "EXISTS k", "SET k v", "EXPIRE k -1", "EXISTS k", "SET k v",
        "PEXPIREAT k 1", "EXISTS k", "SET k v", "EXPIREAT k 0", "EXISTS k", "SET k v", "PEXPIRE k -100",
        "GET k", "EXPIRE k 0", "DBSIZE")),
    ("EXPIRE NX XX GT LT", steps(
        "SET k v", "EXPIRE k 100 XX", "EXPIRE k 100 GT", "TTL k", "EXPIRE k 100 LT", ttl("TTL k"),
        "EXPIRE k 200 NX", "EXPIRE k 200 GT", ttl("TTL k"), "EXPIRE k 50 GT", "EXPIRE k 50 LT", ttl("TTL k"),
        "EXPIRE k 300 XX GT", ttl("TTL k"), "EXPIRE k 100 xx lt", ttl("TTL k"), "EXPIRE k 400 lt", "PERSIST k",
        "EXPIRE k 100 NX", ttl("TTL k"), "EXPIRE k 100 nx nx", "EXPIRE missing 100 NX", "EXPIRE missing 100 XX",
        "EXPIRE missing 100 LT", "GET k")),
    ("EXPIRE option errors", steps(
        "SET k v", "EXPIRE k 100 NX XX", "EXPIRE k 100 NX GT", "EXPIRE k 100 LT NX", "EXPIRE k 100 GT LT",
        "EXPIRE k 100 FOO", "EXPIRE k x FOO", "EXPIRE k x NX", "EXPIRE k 100 XX FOO", "PEXPIRE k 100 BAR",
        "EXPIREAT k 100 NX XX", "EXPIRE k 9223372036854775807 NX", "TTL k")),
    ("EXPIRE options with a moment past", steps(
        "SET k v", "EXPIRE k 0 XX", "EXISTS k", "EXPIRE k 0 GT", "EXISTS k", "EXPIRE k -1 LT", "EXISTS k",
        "SET k v EX 100", "EXPIRE k -1 NX", "EXISTS k", "EXPIRE k -1 GT", "EXPIRE k -1 XX", "EXISTS k",
        "SET k v EX 100", "PEXPIREAT k 1 LT", "EXISTS k")),
    ("PEXPIRE EXPIREAT PEXPIREAT options", steps(
        "SET k v", "PEXPIRE k 100000 NX", ttl("PTTL k"), "PEXPIRE k 50000 GT", "PEXPIRE k 50000 LT",
        ttl("PTTL k"), "EXPIREAT k " + FAR_S + " XX", ttl("TTL k"), "EXPIREAT k " + FAR_S + " NX",
        "PEXPIREAT k " + FAR_MS + " GT", "PEXPIREAT k 1 GT", "EXISTS k")),
    ("EXPIRETIME PEXPIRETIME", steps(
        "EXPIRETIME k", "PEXPIRETIME k", "SET k v", "EXPIRETIME k", "PEXPIRETIME k", "EXPIREAT k " + FAR_S,
        "EXPIRETIME k", "PEXPIREAT k " + FAR_MS, "PEXPIRETIME k", "EXPIRETIME k", "PEXPIREAT k 1999999999999",
        "PEXPIRETIME k", "EXPIRETIME k", "PEXPIREAT k 1999999999499", "EXPIRETIME k", "EXPIRETIME",
        "PEXPIRETIME k x")),
    ("TTL PERSIST", steps(
        "TTL k", "PTTL k", "SET k v", "TTL k", "PTTL k", "PERSIST k", "EXPIRE k 100", "PERSIST k",
        "PERSIST k", "TTL k", "PERSIST z", "PERSIST", "PERSIST k x")),
]

def pipeline(*commands):
    """Several commands in one write, multibulk encoded."""
    out = b""
    for cmd in commands:
        words = cmd.split()
        out += b"*%d\r\n" % len(words) + b"".join(b"$%d\r\n%s\r\n" % (len(w), w.encode()) for w in words)
    return raw(out, len(commands))


PIPELINE_CASES = [
    ("pipelined reads and conditional writes", steps(
        pipeline("SET k v1 GET", "SET k v2 GET", "GET k", "EXPIRE k 100 NX", "EXPIRE k 200 NX", "TTL k",
                 "DEL a b k c", "SET k v3 GET EXAT 1", "EXISTS k", "MSET a 1 b 2", "EXPIRE a 50 LT",
                 "EXPIRE b 50 GT", "SET a x GET XX", "DEL a b", "PING"))),
    ("inline conditional writes", steps(
        raw(b"SET k v1 GET\r\nSET k v2 GET\r\nEXPIRE k 100 NX\r\nTTL k\r\nEXPIRE k 100 NX\r\n", 5))),
    ("large values", steps(
        ["SET", "big", "x" * 200000], ["SET", "big", "y" * 300000, "GET"], ["SET", "big", "z", "GET"],
        "EXPIRE big 100 NX", ["MSET", "b1", "1" * 100000, "b2", "2" * 100000], ["MGET", "b1", "b2", "big"],
        ["ECHO", "e" * 100000])),
]

SCAN_CASES = [
    ("SCAN patterns", steps(
        SCAN_KEYS, scan("SCAN 0"), scan("SCAN 0 MATCH *"), scan("SCAN 0 MATCH a*"), scan("SCAN 0 MATCH a?"),
        scan("SCAN 0 MATCH b*"), scan("SCAN 0 MATCH a\\*"), scan("SCAN 0 MATCH a\\?"), scan("SCAN 0 MATCH [ab]1"),
        scan("SCAN 0 MATCH [^a]*"), scan("SCAN 0 MATCH *1"), scan("SCAN 0 MATCH a1"), scan("SCAN 0 MATCH ?"),
        scan(["SCAN", "0", "MATCH", ""]), scan("SCAN 0 MATCH \\\\"), scan("SCAN 0 MATCH [a-b]*"),
        scan("SCAN 0 MATCH [b-a]?"), scan("SCAN 0 MATCH *a*"), scan("SCAN 0 MATCH **"), scan("SCAN 0 MATCH [a"),
        scan("SCAN 0 MATCH [\\]]"), scan("SCAN 0 MATCH [[]a]"), scan("SCAN 0 MATCH a\\\\b"),
        scan("SCAN 0 MATCH a\\"), scan("SCAN 0 MATCH [a-]*"), scan("SCAN 0 MATCH ?1"), scan("SCAN 0 MATCH a*1*"),
        scan("SCAN 0 MATCH A*"), scan(["SCAN", "0", "MATCH", "\xe9*"]), scan("SCAN 0 MATCH [\x01-\x7f]*"),
        scan("SCAN 0 MATCH *[\x80-\xff]*"))),
    ("SCAN deeply nested patterns", steps(
        ["SET", "a" * 1100, "1"], scan(["SCAN", "0", "MATCH", "*a" * 900]), scan(["SCAN", "0", "MATCH", "*a" * 1100]),
        scan(["SCAN", "0", "MATCH", "*a" * 1000 + "*"]), scan(["SCAN", "0", "MATCH", "a" * 1100]),
        scan(["SCAN", "0", "MATCH", "a" * 1099 + "?"]))),
    ("SCAN COUNT and TYPE", steps(
        SCAN_KEYS, scan("SCAN 0 COUNT 1"), scan("SCAN 0 COUNT 2 MATCH a*"), scan("SCAN 0 MATCH a* COUNT 1"),
        scan("SCAN 0 COUNT 1000"), scan("SCAN 0 TYPE string"), scan("SCAN 0 TYPE STRING COUNT 3"),
        scan("SCAN 0 TYPE hash"), scan("SCAN 0 TYPE nosuchtype"), scan("SCAN 0 MATCH a* TYPE string COUNT 1"),
        scan("SCAN 0 COUNT 5 COUNT 1"), scan("SCAN 0 MATCH b* MATCH a*"))),
    ("SCAN errors and cursors", steps(
        "SCAN", "SCAN x", "SCAN ' 0'", "SCAN 0x", "SCAN 18446744073709551616", "SCAN 0 COUNT 0",
        "SCAN 0 COUNT -1", "SCAN 0 COUNT x", "SCAN 0 COUNT", "SCAN 0 MATCH", "SCAN 0 FOO bar", "SCAN 0 TYPE",
        "SCAN 00", "SCAN +0", "SCAN -0", "SCAN ''", "SCAN 0 MATCH a* COUNT", "SCAN 0 COUNT 9223372036854775808",
        mnemo("SCAN 99", b"-ERR invalid cursor\r\n"), mnemo("SCAN -1", b"-ERR invalid cursor\r\n"),
        mnemo("SCAN 18446744073709551615", b"-ERR invalid cursor\r\n"))),
]

CONNECTION_CASES = [
    ("PING ECHO QUIT", steps(
        "PING", "PING hello", "PING ''", "PING a b", "ping", "ECHO hello", "ECHO ''", "ECHO", "ECHO a b",
        ["ECHO", b"\x00\r\n\xff"], raw(b"QUIT x\r\n", 1), )),
    ("QUIT closes", steps(raw(b"*1\r\n$4\r\nQUIT\r\nPING\r\n", 2))),
    ("SELECT", steps(
        "SELECT 0", "SELECT x", "SELECT -1", "SELECT 16", "SELECT 00", "SELECT ''", "SELECT", "SELECT 0 1",
        "SELECT 1", "SET k one", "SELECT 15", "GET k", "SET k fifteen", "SELECT 1", "GET k", "DBSIZE",
        "SELECT 0", "GET k", "DBSIZE", "COPY k k DB 1", "SELECT 1", "GET k", "SELECT 15", "FLUSHDB", "GET k",
        "SELECT 1", "GET k", "FLUSHALL", "GET k", "SELECT 0")),
    ("AUTH without a password", steps(
        "AUTH", "AUTH a", "AUTH a b", "AUTH default b", "AUTH a b c", "AUTH default", "PING")),
    ("HELLO", steps(
        hello("HELLO"), hello("HELLO 2"), "HELLO 4", "HELLO 1", "HELLO 0", "HELLO -1", "HELLO foo", "HELLO ''",
        "HELLO 2 SETNAME", "HELLO 2 AUTH a", "HELLO 2 AUTH a b", "HELLO 2 FOO", "HELLO 2 SETNAME a b",
        "HELLO 2 SETNAME 'a b'", hello("HELLO 2 SETNAME x"), "CLIENT GETNAME", hello("HELLO 2 setname y"),
        "CLIENT GETNAME", hello("HELLO 2 AUTH default x SETNAME z"), "CLIENT GETNAME", "HELLO 2 AUTH x y SETNAME w",
        "CLIENT GETNAME", hello("HELLO 3"), "GET nosuch", "CLIENT GETNAME", hello("HELLO 3 AUTH default x"),
        "HELLO 3 AUTH x y", "HELLO 3 SETNAME 'a b'", hello("HELLO"), hello("HELLO 2"), "GET nosuch", "PING")),
    ("CLIENT", steps(
        "CLIENT", "CLIENT SETNAME", "CLIENT SETNAME a", "CLIENT GETNAME", "CLIENT SETNAME ''", "CLIENT GETNAME",
        "CLIENT SETNAME 'a b'", ["CLIENT", "SETNAME", "a\nb"], "CLIENT SETNAME a b", "client setname c",
        "CLIENT GETNAME", shape("CLIENT ID"), "CLIENT ID x", "CLIENT GETNAME x", shape("CLIENT INFO"),
        "CLIENT INFO x", shape("CLIENT LIST"), "CLIENT LIST x", shape("CLIENT LIST TYPE normal"),
        "CLIENT LIST TYPE pubsub", "CLIENT LIST TYPE bogus", "CLIENT NO-EVICT on", "CLIENT NO-EVICT OFF",
        "CLIENT NO-EVICT maybe", "CLIENT NO-EVICT", "CLIENT FOO", "CLIENT HELP x",
        mnemo("CLIENT SETINFO lib-name redis-py", b"+OK\r\n"), mnemo("CLIENT SETINFO LIB-VER 1.0", b"+OK\r\n"),
        mnemo("CLIENT SETINFO foo x", b"-ERR Unrecognized option 'foo'\r\n"),
        mnemo("CLIENT SETINFO lib-name 'a b'",
              b"-ERR lib-name cannot contain spaces, newlines or special characters.\r\n"),
        mnemo("CLIENT SETINFO lib-name", b"-ERR wrong number of arguments for 'client|setinfo' command\r\n"),
        mnemo("CLIENT NO-TOUCH on", b"+OK\r\n"),
        mnemo("CLIENT NO-TOUCH maybe", b"-ERR syntax error\r\n"),
        mnemo("CLIENT KILL 127.0.0.1:1", b"-ERR unknown subcommand 'KILL'. Try CLIENT HELP.\r\n"))),
    ("CONFIG", steps(
        "CONFIG", "CONFIG GET", "CONFIG GET maxmemory", "CONFIG GET MAXMEMORY", "CONFIG GET maxmemory MaxMemory",
        "CONFIG GET save", "CONFIG GET maxmemory-policy", "CONFIG GET nosuch", "CONFIG GET nosuch*",
        pairs("CONFIG GET save maxmemory-policy"), pairs("CONFIG GET maxmemory maxmemory-p*"),
        "CONFIG SET", "CONFIG SET save", "CONFIG SET save ''", "CONFIG SET appendfsync everysec",
        "CONFIG SET foo bar", "CONFIG SET save '' foo", "CONFIG RESETSTAT", "CONFIG RESETSTAT x",
        "CONFIG REWRITE", "CONFIG FOO", "CONFIG HELP", "config help",
        "CONFIG GET timeout", "CONFIG GET notify-keyspace-events", pairs("CONFIG GET maxmemory*"),
        pairs("CONFIG GET maxmemory-* timeout"), "CONFIG GET maxmemory-samples", "CONFIG GET TIMEOUT",
        "CONFIG GET databases",
        mnemo("CONFIG GET appendonly", b"*2\r\n$10\r\nappendonly\r\n$3\r\nyes\r\n",
              b"%1\r\n$10\r\nappendonly\r\n$3\r\nyes\r\n"))),
    ("COMMAND", steps(
        "COMMAND FOO", shape("COMMAND COUNT"), "COMMAND COUNT x", shape("COMMAND LIST"), "COMMAND LIST FILTERBY", "COMMAND LIST FOO",
        "COMMAND LIST FILTERBY FOO x", "COMMAND LIST FILTERBY MODULE x", "COMMAND HELP", "COMMAND HELP x",
        "COMMAND GETKEYS get a", "COMMAND GETKEYS mset a 1 b 2", "COMMAND GETKEYS del a b c",
        "COMMAND GETKEYS set k v get", "COMMAND GETKEYS get", "COMMAND GETKEYS ping x", "COMMAND GETKEYS nosuch a",
        "COMMAND GETKEYS get a b", "COMMAND GETKEYS object encoding k", "COMMAND GETKEYS", "COMMAND GETKEYS memory usage k",
        "COMMAND INFO nosuch", shape("COMMAND"), shape("COMMAND DOCS"), shape("COMMAND INFO"),
        shape("COMMAND LIST FILTERBY ACLCAT string"), shape("COMMAND DOCS get set"),
        *["COMMAND INFO " + name for name in (
            "get", "set", "setnx", "setex", "psetex", "getset", "getdel", "getex", "incr", "decr", "incrby",
            "decrby", "incrbyfloat", "mget", "mset", "append", "strlen", "getrange", "setrange", "del",
            "unlink", "exists", "type", "expire", "pexpire", "expireat", "pexpireat", "ttl", "pttl",
            "expiretime", "pexpiretime", "persist", "touch", "scan", "dbsize", "save", "bgsave", "wait",
            "info", "time", "ping", "echo", "select", "quit", "auth", "hello", "subscribe", "unsubscribe",
            "psubscribe", "punsubscribe", "publish")],
        "COMMAND INFO GET Set nosuch mget", members("COMMAND LIST FILTERBY PATTERN *expire*"),
        members("COMMAND LIST FILTERBY PATTERN *ttl"),
        members("COMMAND LIST FILTERBY PATTERN *expiretime"), members("COMMAND LIST FILTERBY PATTERN config*"),
        members("COMMAND LIST FILTERBY PATTERN x*"))),
    ("INFO", steps(
        info("INFO"), info("INFO server"), info("INFO SERVER"), info("INFO server clients"),
        info("INFO keyspace"), info("INFO clients server keyspace"), info("INFO all"), info("INFO default"),
        info("INFO everything"), "INFO nosuchsection", "SET k v", info("INFO keyspace"),
        info("INFO memory nosuchsection"))),
    ("WAIT SAVE", steps(
        "WAIT 0 0", "WAIT x 0", "WAIT 0 -1", "WAIT 0", "SAVE x", "BGSAVE x", "BGSAVE SCHEDULE x",
        "WAIT 0 x")),
    ("unknown commands", steps(
        "FOO", "FOO a b", "foo 'a b'", ["X" * 200, "y" * 200], "''", ["x" * 20, "a" * 100, "b" * 100])),
]

PROTOCOL_CASES = [
    ("inline commands", steps(
        raw(b"PING\r\n"), raw(b"PING\n"), raw(b"\r\nPING\r\n"), raw(b"\n\nPING\r\n"), raw(b"  PING  \r\n"),
        raw(b"ping hello\r\n"), raw(b"set a \"x y\"\r\nget a\r\n", 2),
        raw(b"set a \"\\x41\\n\\t\\\\\"\r\nget a\r\n", 2), raw(b"set a 'it\\'s'\r\nget a\r\n", 2),
        raw(b"set a \"\"\r\nget a\r\n", 2), raw(b"echo a\tb\r\n"), raw(b"PING\rX\r\n"),
        raw(b"*1\r\n$4\r\nPING\r\nPING\r\n", 2), raw(b"$4\r\nPING\r\n", 2), raw(b"+PING\r\n"), raw(b":1\r\n"))),
    ("inline quoting errors", steps(raw(b"get \"a\r\n"))),
    ("inline closing quote followed by a letter", steps(raw(b"get \"a\"b\r\n"))),
    ("inline unbalanced single quote", steps(raw(b"get 'a\r\n"))),
    ("multibulk edge cases", steps(
        raw(b"*1\r\n$4\r\nPING\r\n"), raw(b"*0\r\nPING\r\n"), raw(b"*-1\r\nPING\r\n"),
        raw(b"*2\r\n$4\r\nPING\r\n$0\r\n\r\n"), raw(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", 2))),
    ("bad multibulk length", steps(raw(b"*x\r\n"))),
    ("negative bulk length", steps(raw(b"*1\r\n$-1\r\n"))),
    ("bad bulk length", steps(raw(b"*1\r\n$x\r\n"))),
    ("missing $", steps(raw(b"*1\r\nPING\r\n"))),
    ("huge multibulk length", steps(raw(b"*3000000000\r\n"))),
    ("huge bulk length", steps(raw(b"*1\r\n$600000000\r\n"))),
]

# Redis 7.0's arity of each command mnemo has (n: exactly n words, -n: at least n).
ARITY = {"get": 2, "set": -3, "setnx": 3, "setex": 4, "psetex": 4, "del": -2, "unlink": -2, "incr": 2, "decr": 2,
         "incrby": 3, "decrby": 3, "mget": -2, "mset": -3, "expire": -3, "pexpire": -3, "expireat": -3,
         "pexpireat": -3, "ttl": 2, "pttl": 2, "persist": 2, "exists": -2, "type": 2, "scan": -2, "dbsize": 1,
         "ping": -1, "auth": -2, "save": 1, "bgsave": -1, "echo": 2, "select": 2, "quit": -1, "info": -1,
         "config": -2, "client": -2, "command": -1, "hello": -1, "wait": 3,
         "getset": 3, "getdel": 2, "getex": -2, "incrbyfloat": 3, "append": 3, "strlen": 2, "getrange": 4,
         "setrange": 4, "touch": -2, "expiretime": 2, "pexpiretime": 2, "object": -2, "memory": -2, "time": 1,
         "msetnx": -3, "rename": 3, "renamenx": 3, "copy": -3, "keys": 2, "randomkey": 1, "flushdb": -1,
         "flushall": -1, "substr": 4}

# The collection families' cases and arities live in their own file (it
# imports the step helpers above, so it is imported here, not at the top).
from resp_diff_types import TYPE_ARITY, TYPE_CASES  # noqa: E402

ARITY.update(TYPE_ARITY)
from resp_diff_bitmap_cases import BITMAP_ARITY, BITMAP_CASES  # noqa: E402

ARITY.update(BITMAP_ARITY)
from resp_diff_blocking_cases import BLOCKING_ARITY  # noqa: E402

ARITY.update(BLOCKING_ARITY)


def _arity_steps():
    """Each command with one word too few and (fixed arity) one too many, in both cases."""
    out = []
    for name, arity in ARITY.items():
        words = abs(arity)
        if words >= 2:
            out += [[name] + ["x"] * (words - 2), [name.upper()] + ["x"] * (words - 2)]
        if arity > 0:
            out.append([name.capitalize()] + ["x"] * words)
    return steps(*out)


ARITY_CASES = [("wrong number of arguments", _arity_steps())]

CASES = ARITY_CASES + PIPELINE_CASES + SET_CASES + STRING_CASES + NUMBER_CASES + KEYS_CASES + EXPIRE_CASES + SCAN_CASES + CONNECTION_CASES + PROTOCOL_CASES + TYPE_CASES + BITMAP_CASES

# Run against redis-server --requirepass and mnemo --auth-token with the same secret.
AUTH_CASES = [
    ("before AUTH", steps(
        "GET k", "SET k v", "PING", "ECHO x", "FOO", "GET", "SELECT 0", "INFO", "CONFIG GET save",
        "CLIENT SETNAME x", "COMMAND", "DBSIZE", "SCAN 0", "WAIT 0 0", "SAVE", "HELLO", "HELLO 2",
        "HELLO 2 SETNAME x", "AUTH wrong", "AUTH default wrong", "AUTH a b c", "HELLO 2 AUTH default wrong",
        "HELLO 3", "GET k", raw(b"QUIT\r\n"))),
    ("AUTH", steps("AUTH diff-secret", "SET k v", "GET k", "AUTH wrong", "GET k")),
    ("AUTH with the default user", steps("AUTH default diff-secret", "GET k")),
    ("HELLO AUTH", steps(hello("HELLO 2 AUTH default diff-secret SETNAME n"), "CLIENT GETNAME", "GET k",
                         hello("HELLO 2"))),
    ("AUTH with another user", steps(mnemo("AUTH someone diff-secret", b"+OK\r\n"))),
]


def _redis_py_calls():
    """(label, call(client)) pairs run through redis-py against both servers."""
    far = int(time.time()) + 100000
    return [
        ("set", lambda r: r.set("k", "v")),
        ("get", lambda r: r.get("k")),
        ("get missing", lambda r: r.get("missing")),
        ("set nx", lambda r: r.set("k", "w", nx=True)),
        ("set xx missing", lambda r: r.set("m", "w", xx=True)),
        ("set get", lambda r: r.set("k", "w", get=True)),
        ("set get missing", lambda r: r.set("g", "w", get=True)),
        ("set ex", lambda r: r.set("k", "v", ex=100)),
        ("ttl", lambda r: r.ttl("k") in (99, 100)),
        ("set keepttl", lambda r: r.set("k", "w", keepttl=True)),
        ("ttl after keepttl", lambda r: r.ttl("k") in (99, 100)),
        ("set exat", lambda r: r.set("k", "v", exat=far)),
        ("set pxat past", lambda r: r.set("k", "v", pxat=1)),
        ("exists after past pxat", lambda r: r.exists("k")),
        ("setex", lambda r: r.setex("k", 100, "v")),
        ("psetex", lambda r: r.psetex("k", 100000, "v")),
        ("setnx", lambda r: r.setnx("k", "v")),
        ("incr", lambda r: r.incr("n")),
        ("incrby", lambda r: r.incrby("n", 41)),
        ("decr", lambda r: r.decr("n")),
        ("decrby", lambda r: r.decrby("n", 2)),
        ("incr not an integer", lambda r: r.incr("k")),
        ("incr overflow", lambda r: r.incrby("n", 2 ** 63 - 1)),
        ("mset", lambda r: r.mset({"a": "1", "b": "2"})),
        ("mget", lambda r: r.mget("a", "b", "zz")),
        ("exists", lambda r: r.exists("a", "a", "zz")),
        ("delete", lambda r: r.delete("a", "zz")),
        ("expire", lambda r: r.expire("b", 100)),
        ("expire nx", lambda r: r.expire("b", 200, nx=True)),
        ("expire xx", lambda r: r.expire("b", 200, xx=True)),
        ("expire gt", lambda r: r.expire("b", 300, gt=True)),
        ("expire lt", lambda r: r.expire("b", 50, lt=True)),
        ("ttl after options", lambda r: r.ttl("b") in (49, 50)),
        ("pexpire", lambda r: r.pexpire("b", 100000)),
        ("persist", lambda r: r.persist("b")),
        ("ttl none", lambda r: r.ttl("b")),
        ("ttl missing", lambda r: r.ttl("zz")),
        ("pttl missing", lambda r: r.pttl("zz")),
        ("type", lambda r: r.type("b")),
        ("type missing", lambda r: r.type("zz")),
        ("dbsize", lambda r: r.dbsize()),
        ("scan_iter", lambda r: sorted(r.scan_iter())),
        ("scan_iter match", lambda r: sorted(r.scan_iter(match="[bn]*", count=1))),
        ("scan", lambda r: r.scan(0, match="k*", count=100)[1]),
        ("ping", lambda r: r.ping()),
        ("echo", lambda r: r.echo("hi")),
        ("client_setname", lambda r: r.client_setname("me")),
        ("client_getname", lambda r: r.client_getname()),
        ("client_id", lambda r: isinstance(r.client_id(), int)),
        ("config_get maxmemory", lambda r: r.config_get("maxmemory")),
        ("config_get MAXMEMORY", lambda r: r.config_get("MAXMEMORY")),
        ("config_set save", lambda r: r.config_set("save", "")),
        ("info redis_mode", lambda r: r.info()["redis_mode"]),
        # avg_ttl is an estimate Redis samples; mnemo reports 0.
        ("info keyspace", lambda r: {db: (v["keys"], v["expires"]) for db, v in r.info("keyspace").items()}),
        ("select 0", lambda r: r.select(0)),
        ("unknown command", lambda r: r.execute_command("NOSUCHCOMMAND", "x")),
        ("wrong arity", lambda r: r.execute_command("GET")),
        ("pipeline", lambda r: r.pipeline(transaction=False).set("p", 1).incr("p").get("p").execute()),
    ]


REDIS_PY_CALLS = _redis_py_calls()
