"""The stream cases of resp_differential_test.py, in resp_diff_cases.py's step
language. Ids are explicit wherever a reply would show them, so that replies
do not depend on the clock; replies that carry times (idle, seen-time,
delivery times) or Redis's node layout (radix-tree-*) are compared by
untimed(), which blanks those integers.
"""

from resp_diff_cases import scan, steps


def untimed(cmd):
    return ("untimed", cmd)


ADD_CASES = [
    ("XADD ids", steps(
        "XADD s 1-1 a 1", "XADD s 1-1 a 1", "XADD s 1-0 a 1", "XADD s 1-2 a 1 b 2", "XADD s 1-* c 3",
        "XADD s 2-* c 3", "XADD s 2 d 4", "XADD s 3 d", "XADD s 3 d 4 e", "XADD s 0-0 x 1", "XADD s 0 x 1",
        "XADD t 0-* x 1", "XADD t 0-* x 1", "XADD s 1-* x 1", "XADD s abc x 1", "XADD s 1-x x 1",
        "XADD s -1 x 1", "XADD s - x 1", "XADD s + x 1", "XADD s 18446744073709551615-18446744073709551615 a 1",
        "XADD s 5-5 a 1", "XADD s 18446744073709551616 a 1", "XLEN s", "XLEN t", "XLEN nosuch",
        "XRANGE s - +", "XADD s * a", "XADD s", "XADD s 9-9", "TYPE s", "XADD u 7-0 '' ''", "XRANGE u - +",
        ["XADD", "u", "8-0", b"\x00\r\n", b"\xff"], "XRANGE u 8 8")),
    ("XADD NOMKSTREAM MAXLEN MINID LIMIT", steps(
        "XADD s NOMKSTREAM 1-1 a 1", "EXISTS s", "XADD s 1-1 a 1", "XADD s NOMKSTREAM 1-2 a 2",
        "XADD s 1-3 a 3", "XADD s 1-4 a 4", "XADD s MAXLEN 2 1-5 a 5", "XRANGE s - +",
        "XADD s MAXLEN = 1 1-6 a 6", "XRANGE s - +", "XADD s MAXLEN 0 1-7 a 7", "XLEN s", "EXISTS s",
        "XADD s 2-1 a 1", "XADD s 2-2 a 2", "XADD s MINID 2-2 2-3 a 3", "XRANGE s - +",
        "XADD s MINID = 3 2-4 a 4", "XRANGE s - +", "XADD s MAXLEN -1 3-1 a 1", "XADD s MAXLEN x 3-1 a 1",
        "XADD s MINID x 3-1 a 1", "XADD s MAXLEN 1 MINID 1 3-1 a 1", "XADD s LIMIT 10 3-1 a 1",
        "XADD s MAXLEN 5 LIMIT 10 3-1 a 1", "XADD s MAXLEN ~ 5 LIMIT -1 3-1 a 1",
        "XADD s MAXLEN ~ 5 LIMIT x 3-1 a 1", "XADD s MAXLEN ~ 100 LIMIT 10 3-1 a 1",
        "XADD s MAXLEN ~ 100 3-2 a 1", "XADD s MINID ~ 0 3-3 a 1", "XRANGE s - +", "XADD s FOO 3-4 a 1",
        "XADD s MAXLEN", "XADD s MAXLEN 5", "XINFO STREAM s")),
    ("XTRIM XDEL XSETID", steps(
        "XTRIM nosuch MAXLEN 1", "XADD s 1 a 1", "XADD s 2 a 2", "XADD s 3 a 3", "XADD s 4 a 4",
        "XTRIM s MAXLEN 3", "XTRIM s MAXLEN 3", "XTRIM s MINID 3", "XRANGE s - +", "XTRIM s", "XTRIM s FOO",
        "XTRIM s LIMIT 1", "XTRIM s MAXLEN 1 LIMIT 1", "XTRIM s MINID (3",
        "XTRIM s MAXLEN = 0", "XLEN s", "XINFO STREAM s", "XADD s 5 a 5", "XADD s 6 a 6", "XADD s 7 a 7",
        "XDEL s 6", "XDEL s 6 5 5 99", "XDEL s x", "XDEL nosuch 1", "XINFO STREAM s", "XDEL s 7",
        "XINFO STREAM s", "EXISTS s", "XSETID s 6", "XSETID s 10-0", "XINFO STREAM s", "XADD s 9 a 1",
        "XADD s 11 a 1", "XSETID s 10", "XSETID s 12 ENTRIESADDED 1", "XSETID s 12 ENTRIESADDED -1",
        "XSETID s 12 ENTRIESADDED 20 MAXDELETEDID 11-5", "XSETID s 12 MAXDELETEDID 13",
        "XSETID s 12 FOO 1", "XSETID s x", "XSETID s -", "XSETID nosuch 1", "XINFO STREAM s",
        "XSETID s 12 MAXDELETEDID x")),
]

READ_CASES = [
    ("XRANGE XREVRANGE", steps(
        "XADD s 1-1 a 1", "XADD s 1-2 b 2", "XADD s 2-0 c 3", "XADD s 3-5 d 4", "XRANGE s - +",
        "XRANGE s 1 1", "XRANGE s 1-2 +", "XRANGE s (1-1 +", "XRANGE s - (3-5", "XRANGE s (1-1 (3-5",
        "XRANGE s 2 2", "XRANGE s - + COUNT 2", "XRANGE s - + COUNT 0", "XRANGE s - + COUNT -1",
        "XRANGE s - + COUNT x", "XRANGE s - + FOO 1", "XRANGE s - + COUNT", "XRANGE s x +", "XRANGE s - x",
        "XRANGE s (- +", "XRANGE s - (+", "XRANGE s (18446744073709551615-18446744073709551615 +",
        "XRANGE s - (0-0", "XRANGE s 3 1", "XRANGE nosuch - +", "XRANGE nosuch - + COUNT 0",
        "XREVRANGE s + -", "XREVRANGE s + - COUNT 1", "XREVRANGE s (3-5 -", "XREVRANGE s 2 (1-1",
        "XREVRANGE s - +", "XREVRANGE s + - COUNT 0", "XREVRANGE nosuch + -", "XRANGE s ( +")),
    ("XREAD", steps(
        "XADD s 1-1 a 1", "XADD s 1-2 b 2", "XADD t 5-0 c 3", "XREAD STREAMS s 0", "XREAD STREAMS s 1-1",
        "XREAD STREAMS s 1-2", "XREAD COUNT 1 STREAMS s t 0 0", "XREAD STREAMS s t 1-2 0",
        "XREAD STREAMS s t $ $", "XREAD STREAMS nosuch 0", "XREAD STREAMS nosuch $", "XREAD STREAMS s",
        "XREAD STREAMS s t 0", "XREAD COUNT x STREAMS s 0", "XREAD COUNT -5 STREAMS s 0", "XREAD FOO STREAMS s 0",
        "XREAD STREAMS s x", "XREAD STREAMS s -", "XREAD STREAMS s >", "XREAD GROUP g c STREAMS s 0",
        "XREAD NOACK STREAMS s 0", "XREAD BLOCK x STREAMS s 0", "XREAD BLOCK -1 STREAMS s 0",
        "XREAD BLOCK 0 STREAMS s 0", "XREAD COUNT 1", "XREAD STREAMS", "SET str v", "XREAD STREAMS str 0",
        "XREAD STREAMS s str 0 0", "XREAD STREAMS s 18446744073709551615-18446744073709551615",
        "XREAD BLOCK 5 STREAMS s $", "XREAD BLOCK 5 STREAMS nosuch 0", "XGROUP CREATE s g $",
        "XREADGROUP GROUP g c BLOCK 5 STREAMS s >", "MULTI", "XREAD BLOCK 0 STREAMS s $", "EXEC")),
]

GROUP_CASES = [
    ("XGROUP", steps(
        "XGROUP CREATE s g $", "XGROUP CREATE s g $ MKSTREAM", "XGROUP CREATE s g $ MKSTREAM", "XLEN s",
        "TYPE s", "XADD s 1-1 a 1", "XADD s 1-2 b 2", "XGROUP CREATE s g2 0", "XGROUP CREATE s g3 1-1 ENTRIESREAD 1",
        "XGROUP CREATE s g4 0 ENTRIESREAD -2", "XGROUP CREATE s g4 0 ENTRIESREAD x", "XGROUP CREATE s g4 0 FOO",
        "XGROUP CREATE s g4 x", "XGROUP CREATE s g4 -", "XINFO GROUPS s", "XGROUP SETID s g 0",
        "XGROUP SETID s g - ", "XGROUP SETID s g 1-1 ENTRIESREAD 1", "XGROUP SETID s g $",
        "XGROUP SETID s g x", "XGROUP SETID s nog 0", "XGROUP SETID s g 0 MKSTREAM", "XINFO GROUPS s",
        "XGROUP CREATECONSUMER s g c1", "XGROUP CREATECONSUMER s g c1", "XGROUP CREATECONSUMER s nog c1",
        "XGROUP DELCONSUMER s g c1", "XGROUP DELCONSUMER s g c1", "XGROUP DELCONSUMER s nog c1",
        "XGROUP DESTROY s g3", "XGROUP DESTROY s g3", "XGROUP DESTROY nosuch g", "XGROUP CREATE nosuch g $",
        "XGROUP FOO", "XGROUP FOO s g", "XGROUP CREATE s", "XGROUP HELP", "XGROUP SETID s g 0 ENTRIESREAD",
        "XGROUP CREATE s g5 0 MKSTREAM ENTRIESREAD 3 FOO", "SET str v", "XGROUP CREATE str g $",
        "XGROUP CREATE str g $ MKSTREAM", "XINFO GROUPS s")),
    ("XREADGROUP XACK", steps(
        "XADD s 1-1 a 1", "XADD s 1-2 b 2", "XADD s 1-3 c 3", "XGROUP CREATE s g 0",
        "XREADGROUP GROUP g c1 COUNT 1 STREAMS s >", "XREADGROUP GROUP g c2 STREAMS s >",
        "XREADGROUP GROUP g c2 STREAMS s >", "XREADGROUP GROUP g c1 STREAMS s 0",
        "XREADGROUP GROUP g c2 STREAMS s 0", "XREADGROUP GROUP g c2 COUNT 1 STREAMS s 1-2",
        "XREADGROUP GROUP g c3 STREAMS s 0", "XACK s g 1-2 1-2 9-9", "XACK s g 1-2", "XACK s nog 1-1",
        "XACK nosuch g 1-1", "XACK s g x", "XREADGROUP GROUP g c2 STREAMS s 0", "XDEL s 1-3",
        "XREADGROUP GROUP g c2 STREAMS s 0", "XADD s 2-0 d 4", "XREADGROUP GROUP g c3 NOACK STREAMS s >",
        "XPENDING s g", "XREADGROUP GROUP g c1 STREAMS s $", "XREADGROUP GROUP nog c1 STREAMS s >",
        "XREADGROUP GROUP g c1 STREAMS nosuch >", "XREADGROUP STREAMS s >", "XREADGROUP GROUP g STREAMS s >",
        "XREADGROUP GROUP g c1 STREAMS s x", "XINFO GROUPS s")),
    ("XPENDING XCLAIM XAUTOCLAIM", steps(
        "XADD s 1-1 a 1", "XADD s 1-2 b 2", "XADD s 1-3 c 3", "XGROUP CREATE s g 0", "XPENDING s g",
        "XREADGROUP GROUP g c1 STREAMS s >", "XPENDING s g", untimed("XPENDING s g - + 10"),
        untimed("XPENDING s g - + 10 c1"), "XPENDING s g - + 10 nobody", untimed("XPENDING s g (1-1 + 1"),
        "XPENDING s g - + 0", "XPENDING s g IDLE 100000 - + 10", "XPENDING s g - + x", "XPENDING s g x + 10",
        untimed("XPENDING s g - + 10 c1 extra"), "XPENDING s g -", "XPENDING s nog", "XPENDING nosuch g",
        "XPENDING s g IDLE x - + 10", "XPENDING s g IDLE 1 - +",
        "XCLAIM s g c2 0 1-1", untimed("XPENDING s g - + 10"), "XCLAIM s g c2 0 1-2 JUSTID",
        "XCLAIM s g c2 0 1-2 RETRYCOUNT 7 JUSTID", untimed("XPENDING s g - + 10"),
        "XCLAIM s g c2 100000000 1-3", "XCLAIM s g c3 0 9-9", "XCLAIM s g c3 0 9-9 FORCE",
        "XADD s 1-4 d 4", "XCLAIM s g c3 0 1-4 FORCE", untimed("XPENDING s g - + 10"),
        "XCLAIM s g c3 0 1-1 FOO", "XCLAIM s g c3 x 1-1", "XCLAIM s g c3 0 1-1 IDLE x", "XCLAIM s g c3 0 1-1 TIME x",
        "XCLAIM s g c3 0 1-1 RETRYCOUNT x", "XCLAIM s g c3 0 1-1 LASTID x", "XCLAIM s g c3 0 1-1 LASTID 5-0 JUSTID",
        "XINFO GROUPS s", "XCLAIM s nog c3 0 1-1", "XCLAIM nosuch g c3 0 1-1", "XDEL s 1-2",
        "XCLAIM s g c3 0 1-2", "XPENDING s g", "XAUTOCLAIM s g c4 0 0", "XPENDING s g",
        "XAUTOCLAIM s g c4 0 0 COUNT 1 JUSTID", "XAUTOCLAIM s g c4 0 (1-1 COUNT 1", "XAUTOCLAIM s g c4 0 0 COUNT 0",
        "XAUTOCLAIM s g c4 0 0 COUNT x", "XAUTOCLAIM s g c4 0 0 FOO", "XAUTOCLAIM s g c4 x 0",
        "XAUTOCLAIM s g c4 0 x", "XAUTOCLAIM s g c4 100000000 0", "XAUTOCLAIM s nog c4 0 0",
        "XADD s 1-5 e 5", "XREADGROUP GROUP g c5 STREAMS s >", "XDEL s 1-5", "XAUTOCLAIM s g c4 0 0 JUSTID",
        "XPENDING s g")),
    ("XINFO", steps(
        "XINFO STREAM nosuch", "XINFO STREAM nosuch FOO", "XINFO GROUPS nosuch", "XINFO CONSUMERS nosuch g", "XADD s 1-1 a 1",
        "XADD s 1-2 b 2", "XINFO STREAM s", "XGROUP CREATE s g 0", "XGROUP CREATE s h $",
        "XREADGROUP GROUP g c1 COUNT 1 STREAMS s >", "XGROUP CREATECONSUMER s g c0", "XINFO GROUPS s",
        untimed("XINFO CONSUMERS s g"), "XINFO CONSUMERS s nog", untimed("XINFO STREAM s FULL"),
        untimed("XINFO STREAM s FULL COUNT 1"), untimed("XINFO STREAM s FULL COUNT 0"), "XINFO STREAM s FULL COUNT x",
        "XINFO STREAM s FOO", "XINFO STREAM s FULL COUNT", "XINFO HELP", "XINFO FOO s", "XINFO", "XINFO HELP x",
        "SET str v", "XINFO STREAM str", "XDEL s 1-1", "XINFO GROUPS s", "XADD s 1-3 c 3", "XINFO GROUPS s",
        "XGROUP SETID s g 1-3", "XINFO GROUPS s", "XTRIM s MAXLEN 0", "XINFO GROUPS s", "XINFO STREAM s")),
]

def _node_steps():
    """XADD and XTRIM with `~` remove whole nodes only, so what they keep
    shows where Redis's nodes end: after 100 entries, or once the node's
    listpack and the next entry's fields and values reach 4096 bytes (values
    that read as integers are stored as integers, field names shared with the
    node's first entry are left out)."""
    out = ["XADD s 1-%d f %d" % (i, i) for i in range(1, 251)]
    out += ["XADD s MAXLEN ~ 120 1-251 f x", "XLEN s", "XRANGE s - + COUNT 1", "XTRIM s MAXLEN ~ 100",
            "XTRIM s MAXLEN ~ 0 LIMIT 40", "XTRIM s MAXLEN ~ 0", "XLEN s", "EXISTS s"]
    values = ["v", "-12345", "007", "18446744073709551616", "-9223372036854775808", "9223372036854775807",
              "4096", "-4097", "0", "-0", "127", "128", "32768", "8388608", "2147483648"]
    for i in range(1, 301):
        v = values[i % len(values)] + ("y" * (i % 90) if i % 4 == 0 else "")
        if i % 7 == 0:
            out.append("XADD b 1-%d other %s name %s" % (i, v, v))
        else:
            out.append("XADD b 1-%d name %s n %d" % (i, v, i * 37))
    out += ["XTRIM b MAXLEN ~ 250", "XLEN b", "XRANGE b - + COUNT 1", "XTRIM b MINID ~ 1-150", "XLEN b",
            "XRANGE b - + COUNT 1", "XDEL b 1-290 1-291 1-292", "XTRIM b MAXLEN ~ 10", "XLEN b",
            "XRANGE b - + COUNT 1"]
    ms = 1
    for i in range(1, 161):
        ms += [1, 0, 200, 70000, 9000000, 5000000000][i % 6]
        out.append("XADD m %d-%d k %s" % (ms, (i * 7919) % 300, "z" * (i % 100)))
    out += ["XTRIM m MAXLEN ~ 30", "XLEN m", "XRANGE m - + COUNT 1"]
    for i in range(1, 301):
        out.append("XADD e MAXLEN ~ 50 1-%d job %d" % (i, i))
    out += ["XLEN e", "XRANGE e - + COUNT 1", "XADD e MAXLEN ~ 0 2-0 job x", "XLEN e", "EXISTS e"]
    out += ["XADD big 1-1 a %s" % ("w" * 5000), "XADD big 1-2 a b", "XADD big 1-3 a b",
            "XTRIM big MAXLEN ~ 1", "XLEN big", "XRANGE big - + COUNT 1"]
    return steps(*out)


KEY_CASES = [
    ("XADD and XTRIM ~ end where Redis's nodes end", _node_steps()),
    ("streams and the key commands", steps(
        "XADD s 1-1 a 1", "XGROUP CREATE s g 0", "TYPE s", "EXPIRE s 100", "RENAME s t", "EXISTS s",
        "XRANGE t - +", "XINFO GROUPS t", "COPY t c", "XADD c 2-0 b 2", "XLEN t", "XLEN c", "XINFO GROUPS c",
        "OBJECT ENCODING t", scan("SCAN 0 TYPE stream"), "DEL t", "EXISTS t", "XGROUP CREATE e g $ MKSTREAM",
        "TYPE e", "DEL e", "SET str v", "XADD str 1 a 1", "XLEN str", "XRANGE str - +", "XREVRANGE str + -",
        "XDEL str 1", "XTRIM str MAXLEN 0", "XSETID str 1", "XACK str g 1", "XPENDING str g",
        "XCLAIM str g c 0 1", "XAUTOCLAIM str g c 0 0", "XINFO GROUPS str", "XADD s 1 a 1", "GET s",
        "HSET s a 1", "LPUSH s a", "SADD s a", "ZADD s 1 a", "INCR s", "APPEND s x")),
]

STREAM_CASES = ADD_CASES + READ_CASES + GROUP_CASES + KEY_CASES

STREAM_ARITY = {
    "xadd": -5, "xlen": 2, "xrange": -4, "xrevrange": -4, "xdel": -3, "xtrim": -4, "xsetid": -3, "xread": -4,
    "xreadgroup": -7, "xack": -4, "xpending": -3, "xclaim": -6, "xautoclaim": -6,
}
