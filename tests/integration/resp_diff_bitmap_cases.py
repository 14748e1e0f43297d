"""Bitmap cases of resp_differential_test.py: SETBIT, GETBIT, BITCOUNT,
BITPOS and BITOP, their errors and Redis's order of checks."""

from resp_diff_cases import steps

BITMAP_ARITY = {"setbit": 4, "getbit": 3, "bitcount": -2, "bitpos": -3, "bitop": -4}

BITMAP_CASES = [
    ("SETBIT and GETBIT", steps(
        "SETBIT b 7 1", "GET b", "SETBIT b 7 1", "SETBIT b 7 0", "GET b", "SETBIT b 100 1", "STRLEN b",
        "GETBIT b 100", "GETBIT b 101", "GETBIT b 99999", "GETBIT nokey 0", "SETBIT z 0 0", "GET z",
        "SETBIT b -1 1", "SETBIT b x 1", "SETBIT b 4294967296 1", "SETBIT b 4294967295 2",
        "SETBIT b 1 2", "SETBIT b 1 -1", "SETBIT b 1 x", "GETBIT b -1", "GETBIT b 4294967296",
        "HSET h f v", "SETBIT h 1 1", "GETBIT h 1", "SET s 1 EX 100", "SETBIT s 2 1", "GET s",
        "SETBIT b 01 1", "GETBIT b ' 1'")),
    ("BITCOUNT", steps(
        "SET s foobar", "BITCOUNT s", "BITCOUNT s 0 0", "BITCOUNT s 1 1", "BITCOUNT s 1 -1", "BITCOUNT s -2 -1",
        "BITCOUNT s 5 30 BIT", "BITCOUNT s 5 30 BYTE", "BITCOUNT s 0 -1 bit", "BITCOUNT s -5 -1 BIT",
        "BITCOUNT s -1 -5", "BITCOUNT s -1 -5 FOO", "BITCOUNT s 3 1", "BITCOUNT s 100 200",
        "BITCOUNT s 0", "BITCOUNT s 0 1 BIT x", "BITCOUNT s a 1", "BITCOUNT s 0 1 FOO",
        "BITCOUNT nokey", "BITCOUNT nokey 0", "BITCOUNT nokey a b c d", "HSET h f v", "BITCOUNT h",
        "BITCOUNT h 0", "SET e ''", "BITCOUNT e", "BITCOUNT e 0 -1", "BITCOUNT e 0 -1 BIT")),
    ("BITPOS", steps(
        ["SET", "a", b"\xff\xf0\x00"], "BITPOS a 0", "BITPOS a 1", "BITPOS a 0 2", "BITPOS a 1 2",
        "BITPOS a 0 0 0", "BITPOS a 1 2 -1", "BITPOS a 0 1 1", "BITPOS a 1 7 15 BIT", "BITPOS a 0 7 15 BIT",
        "BITPOS a 0 12 12 BIT", "BITPOS a 0 0 11 BIT", "BITPOS a 1 12 -1 bit", "BITPOS a 0 -3 -1 BYTE",
        ["SET", "f", b"\xff\xff"], "BITPOS f 0", "BITPOS f 0 0", "BITPOS f 0 0 -1", "BITPOS f 1 5 1",
        "BITPOS f 0 0 -1 BIT", "BITPOS f 2", "BITPOS f x", "BITPOS f 0 x", "BITPOS f 0 0 x", "BITPOS f 0 0 1 FOO",
        "BITPOS f 0 0 1 BIT x", "BITPOS nokey 0", "BITPOS nokey 1", "BITPOS nokey 1 a b", "BITPOS nokey 3",
        "HSET h f v", "BITPOS h 0", "SET e ''", "BITPOS e 0", "BITPOS e 1", "BITPOS e 0 0 -1",
        ["SET", "z", b"\x00\x00"], "BITPOS z 1", "BITPOS z 0", "BITPOS z 1 1", "BITPOS z 0 -1 -1 BIT")),
    ("BITOP", steps(
        "SET a abc", "SET b xyzw", "BITOP AND d a b", "GET d", "BITOP OR d a b", "GET d", "BITOP XOR d a b",
        "GET d", "BITOP NOT d a", "GET d", "BITOP and d a nokey", "GET d", "BITOP or d nokey b", "GET d",
        "BITOP NOT d a b", "BITOP FOO d a", "BITOP AND d nokey1 nokey2", "EXISTS d", "SET d x EX 100",
        "BITOP OR d a", "TTL d", "HSET h f v", "BITOP AND d a h", "GET d", "BITOP OR h a", "TYPE h",
        "BITOP XOR d a a", "GET d", "BITOP NOT d nokey", "EXISTS d")),
]
