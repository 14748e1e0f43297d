"""redis.setresp cases of resp_differential_test.py (Redis 7.0's script_lua.c):
how a script's redis.call replies convert to Lua under RESP2 and RESP3, and
how the RESP3-shaped tables a script returns (map, set, double, big_number,
verbatim_string, booleans) convert back. They run for RESP2 and for RESP3
callers: the script's protocol and the caller's are independent. Maps and
sets hold one entry where the order of several would be Lua's hash order.
"""

from resp_diff_cases import steps


def ev(body, *args):
    """EVAL of a one-line script body, with numkeys and args as given."""
    return ["EVAL", body] + [str(a) for a in args]


SETRESP_CASES = [
    ("redis.setresp arguments", steps(
        ev("redis.setresp(4)", 0), ev("redis.setresp(1)", 0), ev("redis.setresp()", 0),
        ev("redis.setresp(2, 3)", 0), ev("redis.setresp('x')", 0), ev("return redis.setresp(3)", 0),
        ev("return redis.setresp('3')", 0), ev("redis.setresp(2.5) return 1", 0),
        ev("return redis.pcall('SET')", 0))),
    ("replies to Lua under RESP3", steps(
        "HSET h f v", "SADD s a", "ZADD z 1.5 m", "RPUSH l x",
        ev("redis.setresp(3) return redis.call('HGETALL', KEYS[1]).map.f", 1, "h"),
        ev("redis.setresp(3) return redis.call('HGETALL', KEYS[1])", 1, "h"),
        ev("redis.setresp(3) return redis.call('HGETALL', 'nosuch')", 0),
        ev("redis.setresp(3) return tostring(redis.call('SMEMBERS', KEYS[1]).set.a)", 1, "s"),
        ev("redis.setresp(3) return redis.call('SMEMBERS', KEYS[1])", 1, "s"),
        ev("redis.setresp(3) return tostring(redis.call('ZSCORE', KEYS[1], 'm').double)", 1, "z"),
        ev("redis.setresp(3) return redis.call('ZSCORE', KEYS[1], 'm')", 1, "z"),
        ev("redis.setresp(3) return redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')", 1, "z"),
        ev("redis.setresp(3) return redis.call('INCRBYFLOAT', 'f', '2.5')", 0),
        ev("redis.setresp(3) return type(redis.call('GET', 'nosuch'))", 0),
        ev("redis.setresp(2) return type(redis.call('GET', 'nosuch'))", 0),
        ev("redis.setresp(3) return type(redis.call('LPOP', 'nosuch', 2))", 0),
        ev("redis.setresp(3) local r = redis.call('MGET', 'h', 'nosuch', 'l') return {type(r[1]), type(r[2])}", 0),
        ev("redis.setresp(3) return redis.call('LRANGE', KEYS[1], 0, -1)", 1, "l"),
        ev("redis.setresp(3) return redis.call('CONFIG', 'GET', 'maxmemory')", 0),
        ev("redis.setresp(3) return redis.call('INFO', 'keyspace').verbatim_string.format", 0),
        ev("redis.setresp(3) return redis.pcall('INCR', KEYS[1])", 1, "h"),
        ev("redis.setresp(3) redis.setresp(2) return redis.call('HGETALL', KEYS[1])", 1, "h"),
        ev("redis.setresp(3) return redis.call('ZSCORE', KEYS[1], 'nosuch')", 1, "z"))),
    ("RESP3 tables a script returns", steps(
        ev("return {double = 3.5}", 0), ev("return {double = 1e300}", 0), ev("return {double = -0.25}", 0),
        ev("return {double = 'x'}", 0),
        ev("return {big_number = '123456789012345678901234567890'}", 0),
        ev("return {verbatim_string = {format = 'txt', string = 'hello'}}", 0),
        ev("return {verbatim_string = {format = 'mkd', string = 'a\\nb'}}", 0),
        ev("return {verbatim_string = {string = 'no format'}}", 0),
        ev("return {map = {a = 1}}", 0), ev("return {map = {}}", 0), ev("return {map = {a = {double = 2}}}", 0),
        ev("return {set = {a = true}}", 0), ev("return {set = {}}", 0), ev("return {map = 1}", 0),
        ev("return {{map = {k = 'v'}}, {double = 1}, {set = {x = true}}}", 0),
        ev("return {err = 'x', double = 1}", 0), ev("return {ok = 'fine', map = {a = 1}}", 0))),
    ("booleans by the script's protocol", steps(
        ev("return true", 0), ev("return false", 0), ev("return {true, false, 1}", 0),
        ev("redis.setresp(3) return true", 0), ev("redis.setresp(3) return false", 0),
        ev("redis.setresp(3) return {true, false, 1}", 0), ev("redis.setresp(3) return nil", 0),
        ev("redis.setresp(3) redis.setresp(2) return false", 0))),
]
