"""HyperLogLog and geo cases of resp_differential_test.py: PFADD, PFCOUNT,
PFMERGE (the HLL bytes themselves, through GET, across the sparse to dense
promotion, and corrupt values SET by hand), and GEOADD, GEOPOS, GEODIST,
GEOHASH, GEOSEARCH, GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER and the _RO
forms with every option and error. The random sequences use fixed seeds, so
a failure replays."""

import random

from resp_diff_cases import members, steps
from resp_diff_pubsub_cases import NOTIFY_OFF, on, recv

HLLGEO_ARITY = {"pfadd": -2, "pfcount": -2, "pfmerge": -2, "geoadd": -5, "geopos": -2, "geodist": -4,
                "geohash": -2, "geosearch": -7, "geosearchstore": -8, "georadius": -6, "georadius_ro": -6,
                "georadiusbymember": -5, "georadiusbymember_ro": -5}


def _arity_steps():
    out = []
    for name, arity in HLLGEO_ARITY.items():
        words = abs(arity)
        out += [[name] + ["x"] * (words - 2), [name.upper()] + ["x"] * (words - 2)]
    return steps(*out)


def _header(encoding, card=b"\x00" * 8):
    return b"HYLL" + bytes([encoding]) + b"\x00\x00\x00" + card


STALE = b"\x00" * 7 + b"\x80"
EMPTY_SPARSE = _header(1) + b"\x7f\xff"                  # one XZERO over the 16384 registers
SHORT_SPARSE = _header(1, STALE) + b"\x3f\x23"           # ZERO 64 + ZERO 36: only 100 registers
LONG_SPARSE = _header(1, STALE) + b"\x7f\xff\x00"        # one register too many
CACHED_CORRUPT = _header(1, b"\x2a" + b"\x00" * 7) + b"\x01"  # a valid cache of 42 over bad opcodes
DENSE_NOISE = _header(0, STALE) + bytes((i * 37 + 11) % 256 for i in range(12288))
TRUNCATED_XZERO = _header(1, STALE) + b"\x7f"           # an XZERO cut short


def _hll_growth(seed):
    """One HLL grown a few elements at a time past the sparse limit, its bytes read
    along the way; then merges of sparse and dense values."""
    rnd = random.Random(seed)
    out = []
    for i in range(500):
        out.append(["PFADD", "big"] + ["e%d" % rnd.randint(0, 100000) for _ in range(rnd.randint(1, 12))])
        if i % 40 == 0:
            out += [["GET", "big"], ["PFCOUNT", "big"], ["GET", "big"], ["STRLEN", "big"]]
    out += [["GET", "big"], ["PFCOUNT", "big"], ["STRLEN", "big"],
            ["PFADD", "small", "a", "b", "c"], ["PFMERGE", "m", "small", "big"], ["GET", "m"], ["PFCOUNT", "m"],
            ["PFMERGE", "small2", "small"], ["GET", "small2"], ["PFCOUNT", "small", "big", "nokey"],
            ["PFADD", "mid"] + ["x%d" % i for i in range(200)], ["STRLEN", "mid"], ["PFMERGE", "mid", "small"],
            ["GET", "mid"], ["PFMERGE", "mid2", "mid", "small"], ["GET", "mid2"], ["PFCOUNT", "mid2"], ["GET", "mid2"],
            ["PFMERGE", "small", "big"], ["GET", "small"], ["PFCOUNT", "small"]]
    out.append(["PFADD", "huge"] + ["h%d" % i for i in range(60000)])
    out += [["PFCOUNT", "huge"], ["GET", "huge"], ["PFMERGE", "huge", "big", "mid"], ["PFCOUNT", "huge"],
            ["GET", "huge"], ["PFCOUNT", "huge", "big", "mid", "small"]]
    return steps(*out)


HLL_CASES = [
    ("PFADD, PFCOUNT and the HLL bytes", steps(
        "PFADD h a b c", "GET h", "PFCOUNT h", "GET h", "PFADD h a", "PFADD h", "PFADD h d", "GET h",
        "PFADD new", "GET new", "PFCOUNT new", "PFADD new ''", "GET new", "PFCOUNT nokey", "EXISTS nokey",
        "PFCOUNT new nokey h", "GET h", "SET s hello", "PFADD s a", "PFCOUNT s", "PFCOUNT h s", "PFCOUNT s h",
        "HSET hh f v", "PFADD hh a", "PFCOUNT hh", "PFCOUNT h hh", "PFMERGE hh h", "PFMERGE h hh",
        "SET n 12345678901234567", "PFADD n a", "SET e ''", "PFCOUNT e",
        "PFADD t a", "EXPIRE t 100", "PFADD t b", "TTL t", "PFCOUNT t", "TTL t")),
    ("PFMERGE", steps(
        "PFADD a 1 2 3", "PFADD b 3 4 5", "PFMERGE d a b", "GET d", "PFCOUNT d", "PFMERGE d", "GET d",
        "PFMERGE e", "GET e", "PFMERGE a a", "GET a", "PFMERGE f nokey1 nokey2", "GET f", "PFCOUNT f",
        "SET s x", "PFMERGE d s", "PFMERGE s a", "GET d")),
    ("HLL values SET by hand", steps(
        ["SET", "v", EMPTY_SPARSE], "PFCOUNT v", "PFADD v a", "GET v", "PFCOUNT v", "GET v",
        ["SET", "short", SHORT_SPARSE], "PFCOUNT short", "PFCOUNT short v", "PFMERGE d short", "EXISTS d",
        ["SET", "long", LONG_SPARSE], "PFCOUNT long", "PFCOUNT v long", "PFMERGE d v long",
        ["SET", "cc", CACHED_CORRUPT], "PFCOUNT cc", "PFCOUNT cc v", "GET cc",
        ["SET", "dn", DENSE_NOISE], "PFCOUNT dn", "GET dn", "PFADD dn x y z", "PFCOUNT dn", "PFMERGE m dn v",
        "GET m", "PFCOUNT m", ["SET", "tx", TRUNCATED_XZERO], "PFCOUNT tx",
        ["SET", "bad", _header(2)], "PFCOUNT bad", "PFADD bad a", "PFMERGE bad",
        ["SET", "dshort", _header(0) + b"\x00" * 10], "PFCOUNT dshort", "PFADD dshort a",
        ["SET", "magic", b"HYLX" + EMPTY_SPARSE[4:]], "PFCOUNT magic", ["SET", "tiny", b"HYLL"], "PFCOUNT tiny")),
    ("HLL growth past the sparse limit", _hll_growth(7)),
]


def _coord(rnd, box):
    return ["%.6f" % rnd.uniform(box[0], box[1]), "%.6f" % rnd.uniform(box[2], box[3])]


UNITS = {"m": 1, "km": 1000, "mi": 1609.34, "ft": 0.3048}
AREAS = {"g": ("m", (12, 16, 36, 40)), "w": ("w", (-180, 180, -85, 85)), "p": ("p", (-180, 180, 60, 85.05))}


def _options(rnd, store):
    opts = []
    if not store:
        opts += [o for o, p in (("WITHDIST", 0.5), ("WITHHASH", 0.3), ("WITHCOORD", 0.4)) if rnd.random() < p]
    r = rnd.random()
    if r < 0.3:
        opts += ["COUNT", str(rnd.randint(1, 20))]
    elif r < 0.4:
        opts += ["COUNT", str(rnd.randint(1, 20)), "ANY"]
    s = rnd.random()
    opts += ["ASC"] if s < 0.3 else ["DESC"] if s < 0.5 else []
    return opts


def _geo_random(seed, searches):
    """Three geo sets (clustered, worldwide, near the pole) and random searches of
    every kind over them; the stored results are read back."""
    rnd = random.Random(seed)
    out = []
    for key, (prefix, box) in AREAS.items():
        add = ["GEOADD", key]
        for i in range(250):
            add += _coord(rnd, box) + ["%s%d" % (prefix, i)]
        out += [add, ["ZRANGE", key, "0", "-1", "WITHSCORES"]]
    out.append(["GEOPOS", "w"] + ["w%d" % i for i in range(0, 250, 5)] + ["nosuch"])
    out.append(["GEOHASH", "w"] + ["w%d" % i for i in range(0, 250, 3)] + ["nosuch"])
    for _ in range(40):
        out.append(["GEODIST", "w", "w%d" % rnd.randrange(250), "w%d" % rnd.randrange(250), rnd.choice(list(UNITS))])
    for _ in range(searches):
        key = rnd.choice(list(AREAS))
        prefix, box = AREAS[key]
        unit = rnd.choice(list(UNITS))
        radius = "%.3f" % (rnd.uniform(1, 500000) / UNITS[unit])
        height = "%.3f" % (float(radius) * rnd.uniform(0.2, 3))
        member = "%s%d" % (prefix, rnd.randrange(250))
        kind = rnd.randrange(7)
        if kind == 0:
            out.append(["GEORADIUS", key] + _coord(rnd, box) + [radius, unit] + _options(rnd, False))
        elif kind == 1:
            out.append(["GEORADIUSBYMEMBER_RO", key, member, radius, unit] + _options(rnd, False))
        elif kind == 2:
            out.append(["GEOSEARCH", key, "FROMLONLAT"] + _coord(rnd, box) + ["BYRADIUS", radius, unit] +
                       _options(rnd, False))
        elif kind == 3:
            out.append(["GEOSEARCH", key, "FROMMEMBER", member, "BYBOX", radius, height, unit] + _options(rnd, False))
        elif kind == 4:
            out += [["GEOSEARCHSTORE", "dst", key, "FROMLONLAT"] + _coord(rnd, box) + ["BYBOX", radius, height, unit] +
                    _options(rnd, True) + (["STOREDIST"] if rnd.random() < 0.5 else []),
                    ["ZRANGE", "dst", "0", "-1", "WITHSCORES"]]
        elif kind == 5:
            out += [["GEORADIUS", key] + _coord(rnd, box) + [radius, unit] + _options(rnd, True) +
                    [rnd.choice(["STORE", "STOREDIST"]), "dst"], ["ZRANGE", "dst", "0", "-1", "WITHSCORES"]]
        else:
            out += [["GEORADIUSBYMEMBER", key, member, radius, unit] + _options(rnd, True) + ["STORE", "dst"],
                    ["ZRANGE", "dst", "0", "-1", "WITHSCORES"]]
    return steps(*out)


def _geo_ties(seed):
    """Many members on a few points, so that distances tie: the order of equal
    distances is the sorting algorithm's, full (stable) or partial (COUNT)."""
    rnd = random.Random(seed)
    points = [("%.4f" % rnd.uniform(10, 11), "%.4f" % rnd.uniform(45, 46)) for _ in range(6)]
    add = ["GEOADD", "t"]
    for i in range(120):
        add += list(rnd.choice(points)) + ["t%d" % i]
    out = [add]
    for n in (1, 3, 7, 8, 20, 41, 60, 119, 120, 500):
        for order in ("ASC", "DESC"):
            out.append(["GEOSEARCH", "t", "FROMLONLAT", "10.5", "45.5", "BYRADIUS", "200", "km", "COUNT", str(n), order])
        out.append(["GEOSEARCH", "t", "FROMMEMBER", "t7", "BYBOX", "300", "300", "km", "COUNT", str(n), "WITHDIST"])
        out += [["GEORADIUS", "t", "10.5", "45.5", "200", "km", "COUNT", str(n), "DESC", "STORE", "d"],
                ["ZRANGE", "d", "0", "-1", "WITHSCORES"]]
    out += [["GEOSEARCH", "t", "FROMLONLAT", "10.5", "45.5", "BYRADIUS", "200", "km", order] for order in ("ASC", "DESC")]
    return steps(*out)


SICILY = "GEOADD g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania 12.758489 38.788135 edge1"
GEO_CASES = [
    ("GEOADD", steps(
        SICILY, "ZRANGE g 0 -1 WITHSCORES", "GEOADD g 200 100 x", "GEOADD g 1 -86 x", "GEOADD g 180 85.05112878 x",
        "GEOADD g -180 -85.05112878 y", "ZRANGE g 0 -1 WITHSCORES", "GEOADD g nx xx 1 2 m", "GEOADD g 1 2 m 3",
        "GEOADD g ch 13.361389 38.115556 Palermo 2 3 new", "GEOADD g xx 1 1 nope 2 2 new", "GEOADD g nx 5 5 new",
        "GEOADD g nx ch 5 5 new 6 6 newer", "GEOADD g a b c", "GEOADD g 1 b c", "GEOADD g gt 1 1 c",
        "GEOADD g ch", "GEOADD g 1 1 d 2 2 d", "GEOPOS g d", "GEOADD xnew xx 1 1 a", "EXISTS xnew",
        "HSET h f v", "GEOADD h 1 1 a", "ZRANGE g 0 -1 WITHSCORES")),
    ("GEOPOS, GEODIST, GEOHASH", steps(
        SICILY, "GEOPOS g Palermo nosuch Catania", "GEOPOS g", "GEOPOS nokey a b", "GEODIST g Palermo Catania",
        "GEODIST g Palermo Catania km", "GEODIST g Palermo Catania MI", "GEODIST g Palermo Catania ft",
        "GEODIST g Palermo Palermo", "GEODIST g Palermo Catania foo", "GEODIST g Palermo Catania km x",
        "GEODIST nokey a b foo", "GEODIST g Palermo nosuch", "GEODIST nokey a b", "GEOHASH g Palermo x Catania",
        "GEOHASH g", "GEOHASH nokey a", "ZADD z 0 zero 4503599627370495 top 1e20 huge -5 neg", "GEOPOS z zero top",
        "GEOHASH z zero top", "GEODIST z zero top", "SET s x", "GEOPOS s a", "GEODIST s a b", "GEOHASH s a")),
    ("GEORADIUS and GEORADIUSBYMEMBER", steps(
        SICILY, "GEORADIUS g 15 37 200 km WITHDIST WITHCOORD WITHHASH", "GEORADIUS g 15 37 200 km withdist asc",
        "GEORADIUS g 15 37 200 km DESC", "GEORADIUS g 15 37 200 km COUNT 1", "GEORADIUS g 15 37 200 km COUNT 1 ANY",
        "GEORADIUS g 15 37 200 km ANY", "GEORADIUS g 15 37 200 km COUNT 0", "GEORADIUS g 15 37 200 km COUNT -1",
        "GEORADIUS g 15 37 200 km COUNT x", "GEORADIUS g 15 37 200 km COUNT", "GEORADIUS g 15 37 200 km FOO",
        "GEORADIUS g 15 37 200 km STORE dst", "ZRANGE dst 0 -1 WITHSCORES", "GEORADIUS g 15 37 200 km STOREDIST dst2",
        "ZRANGE dst2 0 -1 WITHSCORES", "GEORADIUS g 15 37 200 km STORE dst WITHDIST",
        "GEORADIUS g 15 37 200 km WITHHASH STOREDIST dst", "GEORADIUS_RO g 15 37 200 km STORE dst",
        "GEORADIUS g 15 37 1 m STORE dst", "EXISTS dst", "GEORADIUS g 15 37 200 km STORE dst STOREDIST dst3",
        "ZRANGE dst3 0 -1 WITHSCORES", "GEORADIUS g 15 37 -1 km", "GEORADIUS g 15 37 x km", "GEORADIUS g 15 37 1 parsec",
        "GEORADIUS g 15 100 1 km", "GEORADIUS g x 37 1 km", "GEORADIUS g 15 37 0 km", "GEORADIUS g 15 37 50000 km",
        "GEORADIUSBYMEMBER g Palermo 200 km WITHDIST", "GEORADIUSBYMEMBER g Palermo 0 km",
        "GEORADIUSBYMEMBER g nosuch 200 km", "GEORADIUSBYMEMBER g Palermo x km", "GEORADIUSBYMEMBER g Palermo 1 x",
        "GEORADIUSBYMEMBER nokey nosuch xx km WITHDIST", "SET dst v", "GEORADIUSBYMEMBER nokey nosuch xx km STORE dst",
        "EXISTS dst", "GEORADIUS nokey 15 37 200 km STORE dst", "GEORADIUSBYMEMBER_RO g Palermo 200 km STORE dst",
        "GEORADIUSBYMEMBER_RO g Palermo 200 km WITHCOORD", "SET s x", "GEORADIUS s 15 37 1 km",
        "GEORADIUS g 15 37 200 km STORE s", "TYPE s")),
    ("GEOSEARCH and GEOSEARCHSTORE", steps(
        SICILY, "GEOSEARCH g FROMMEMBER Palermo BYRADIUS 200 km WITHDIST WITHCOORD",
        "GEOSEARCH g FROMLONLAT 15 37 BYBOX 400 400 km ASC WITHDIST", "GEOSEARCH g FROMLONLAT 15 37 BYBOX 400 400 km DESC",
        "GEOSEARCH g FROMLONLAT 15 37 BYBOX 400 400 km STOREDIST", "GEOSEARCH g FROMLONLAT 15 37 BYBOX 400 400 km STORE x",
        "GEOSEARCH g BYBOX 400 400 km", "GEOSEARCH g FROMLONLAT 15 37 FROM", "GEOSEARCH g FROMLONLAT 15 37 COUNT 1",
        "GEOSEARCH g FROMLONLAT 15 37 FROMMEMBER Palermo BYRADIUS 1 km",
        "GEOSEARCH g FROMMEMBER Palermo FROMLONLAT 15 37 BYRADIUS 1 km",
        "GEOSEARCH g FROMMEMBER Palermo FROMMEMBER Catania BYRADIUS 100 km",
        "GEOSEARCH g FROMMEMBER Palermo BYRADIUS 1 km BYBOX 1 1 km", "GEOSEARCH g FROMMEMBER Palermo BYBOX 1 1 km BYRADIUS 1 km",
        "geosearch g frommember nosuch byradius 1 km", "GeoSearch g FROMLONLAT 15 37 WITHDIST", "GEOSEARCH g BYRADIUS 1 km ASC",
        "GEOSEARCH nokey FROMMEMBER nosuch BYRADIUS 1 km", "GEOSEARCH nokey FROMLONLAT 15 37 BYRADIUS 1 km ANY",
        "GEOSEARCH g FROMLONLAT 200 37 BYRADIUS 1 km", "GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 200 km COUNT 1 ANY",
        "GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 200 km COUNT 2 DESC WITHHASH",
        "GEOSEARCH g FROMLONLAT 15 37 BYBOX -1 1 km", "GEOSEARCH g FROMLONLAT 15 37 BYBOX x 1 km",
        "GEOSEARCH g FROMLONLAT 15 37 BYBOX 1 x km", "GEOSEARCH g FROMLONLAT 15 37 BYBOX 1 1 yard",
        "GEOSEARCH g FROMLONLAT 15 37 BYRADIUS x km", "GEOSEARCH g FROMLONLAT 15 37 BYBOX 1 1",
        "GEOSEARCHSTORE d2 g FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST", "ZRANGE d2 0 -1 WITHSCORES",
        "GEOSEARCHSTORE d2 g FROMLONLAT 15 37 BYRADIUS 200 km", "ZRANGE d2 0 -1 WITHSCORES",
        "GEOSEARCHSTORE d2 g FROMLONLAT 15 37 BYRADIUS 200 km WITHDIST", "GEOSEARCHSTORE d2 g FROMLONLAT 15 37 BYRADIUS 200 km STORE x",
        "GEOSEARCHSTORE d2 g FROMLONLAT 15 37 BYRADIUS 200 km COUNT 1 DESC", "ZRANGE d2 0 -1 WITHSCORES",
        "GEOSEARCHSTORE d2 g FROMLONLAT 15 37 BYRADIUS 1 m", "EXISTS d2", "GEOSEARCHSTORE g g FROMMEMBER Palermo BYRADIUS 100 km",
        "ZRANGE g 0 -1 WITHSCORES", "GEOSEARCHSTORE d3 nokey FROMMEMBER x BYRADIUS 1 km", "EXISTS d3",
        "SET s x", "GEOSEARCH s FROMLONLAT 15 37 BYBOX 1 1 km", "GEOSEARCHSTORE d3 s FROMLONLAT 15 37 BYBOX 1 1 km",
        "GEOSEARCHSTORE s g FROMLONLAT 15 37 BYBOX 1000 1000 km", "TYPE s")),
    ("geo searches at random", _geo_random(11, 250)),
    ("geo searches with ties", _geo_ties(5)),
]

COMMAND_CASES = [
    ("hll/geo COMMAND INFO", steps(
        "COMMAND INFO " + " ".join(HLLGEO_ARITY), "COMMAND GETKEYS PFMERGE d a b", "COMMAND GETKEYS GEOSEARCHSTORE d s x",
        members("COMMAND LIST FILTERBY ACLCAT geo"))),  # @hyperloglog also has PFDEBUG and PFSELFTEST
]

HLLGEO_CASES = [("hll/geo wrong number of arguments", _arity_steps())] + COMMAND_CASES + HLL_CASES + GEO_CASES

HLLGEO_PUBSUB_CASES = [
    ("keyspace events of HLL and geo commands", steps(
        "CONFIG SET notify-keyspace-events KEA", on(1, "PSUBSCRIBE __key*__:*"),
        "PFADD h a", recv(1, 2), "PFADD h a", "PFCOUNT h", "PFADD h b", recv(1, 2), "PFMERGE d h", recv(1, 2),
        "PFMERGE d", recv(1, 2), SICILY, recv(1, 2), "GEOADD g 13.361389 38.115556 Palermo",
        "GEOADD g ch 1 1 Palermo", recv(1, 2), "GEORADIUS g 15 37 200 km STORE dst", recv(1, 2),
        "GEOSEARCHSTORE dst2 g FROMLONLAT 15 37 BYRADIUS 200 km", recv(1, 2),
        "GEOSEARCHSTORE dst2 g FROMLONLAT 15 37 BYRADIUS 1 m", recv(1, 2),
        "GEORADIUS g 15 37 1 m STORE dst", recv(1, 2), "GEORADIUS g 15 37 1 m STORE dst",
        "PUBLISH __keyspace@0__:done .", recv(1), NOTIFY_OFF)),
]

# Run over RESP3, as resp_diff_tracking_cases.py: a PFCOUNT that caches the
# count changes the value, and GEORADIUS's STORE key is found by keyword.
HLLGEO_TRACKING_CASES = [
    ("invalidation by HLL and geo commands", steps(
        on(1, "CLIENT TRACKING ON"), "PFADD h a", on(1, "GET h"), "PFADD h b", recv(1), on(1, "GET h"),
        "PFCOUNT h", recv(1), on(1, "GET h"), "PFCOUNT h", "PFMERGE h", recv(1), on(1, "PING"),
        SICILY, on(1, "ZRANGE dst 0 -1"), "GEORADIUS g 15 37 200 km STORE dst", recv(1),
        on(1, "ZRANGE dst 0 -1"), "GEOSEARCHSTORE dst g FROMLONLAT 15 37 BYRADIUS 1 m", recv(1),
        on(1, "GEOPOS g Palermo"), "GEOADD g 1 1 Palermo", recv(1), on(1, "PING"))),
]
