"""The MULTI/EXEC/DISCARD/WATCH/UNWATCH cases of resp_differential_test.py:
every reply, errors included, byte for byte as Redis 7 sends it. (The step
kinds are those of resp_diff_cases.py.)"""

from resp_diff_cases import members, pipeline, steps

ABORT = "-EXECABORT Transaction discarded because of previous errors.\r\n"

TXN_CASES = [
    ("MULTI and EXEC", steps(
        "MULTI", "SET a 1", "INCR a", "GET a", "MSET b 2 c 3", "MGET a b c", "EXEC", "GET a", "EXEC", "DISCARD",
        "MULTI", "EXEC", "MULTI", "MULTI", "SET x 1", "DISCARD", "GET x", "MULTI", "WATCH a", "EXEC",
        "multi", "set y 1", "exec", "MULTI x", "EXEC x", "DISCARD x", "UNWATCH x", "WATCH")),
    ("MULTI queue-time errors abort the EXEC", steps(
        "MULTI", "SET a 1", "NOSUCH x", "SET b 2", "EXEC", "MGET a b",
        "MULTI", "SET a 1", "GET", "EXEC", "GET a",
        "MULTI", "SAVE", "SET a 1", "EXEC", "GET a",
        "MULTI", "CONFIG NOSUCH", "EXEC")),
    ("MULTI run-time errors fail one command", steps(
        "SET s text", "MULTI", "INCR s", "SET t 1", "EXPIRE t x", "GET t", "SET u v EX 0", "RENAME nosuch x",
        "EXEC", "GET t")),
    ("EXEC with SELECT and keyless commands", steps(
        "MULTI", "SET a 1", "SELECT 1", "SET a 2", "DBSIZE", "SELECT 0", "PING", "ECHO hi", "KEYS *", "EXEC",
        "GET a", "SELECT 1", "GET a", "FLUSHALL", "SELECT 0",
        "MSET a 1 b 2", "MULTI", "FLUSHDB", "SET c 3", "DBSIZE", "EXEC", "MGET a b c")),
    ("WATCH", steps(
        "SET w 1", "WATCH w", "SET w 2", "MULTI", "GET w", "EXEC", "GET w",
        "WATCH w", "MULTI", "INCR w", "EXEC",
        "WATCH w", "GET w", "MULTI", "GET w", "EXEC",
        "WATCH w", "DEL w", "MULTI", "PING", "EXEC",
        "WATCH n", "SET n 1", "DEL n", "MULTI", "PING", "EXEC",
        "WATCH n", "SET n 1", "MULTI", "PING", "EXEC",
        "WATCH n", "EXPIRE n 100", "MULTI", "PING", "EXEC",
        "WATCH n", "PERSIST n", "MULTI", "PING", "EXEC",
        "WATCH n", "FLUSHDB", "MULTI", "PING", "EXEC",
        "SET n 1", "WATCH n", "FLUSHALL", "MULTI", "PING", "EXEC",
        "SET n 1", "WATCH n", "UNWATCH", "SET n 2", "MULTI", "PING", "EXEC",
        "SET n 1", "WATCH n", "MULTI", "DISCARD", "SET n 3", "MULTI", "PING", "EXEC",
        "SET n 1", "WATCH n n n other", "MULTI", "UNWATCH", "EXEC",
        "WATCH gone", "MULTI", "PING", "EXEC")),
    ("WATCH then EXECABORT", steps(
        "SET w 1", "WATCH w", "SET w 2", "MULTI", "NOSUCH", "EXEC", "MULTI", "PING", "EXEC")),
    ("pipelined transactions", steps(
        pipeline("MULTI", "SET a 1", "INCR a", "GET a", "EXEC", "GET a"),
        pipeline("WATCH a", "INCR a", "MULTI", "INCR a", "EXEC", "GET a"),
        pipeline("MULTI", "INCR a", "BADCMD", "INCR a", "EXEC", "GET a"))),
    ("transactions in COMMAND", steps(
        "COMMAND INFO multi exec discard watch unwatch", "COMMAND GETKEYS WATCH a b",
        members("COMMAND LIST FILTERBY ACLCAT transaction"))),
]

SCRIPT_CASES = [
    ("EVAL conversions", steps(
        ["EVAL", "return 1", "0"], ["EVAL", "return {1,2.7,'a',{ok='x'},false,true,nil,5}", "0"],
        ["EVAL", "return 3.99", "0"], ["EVAL", "return", "0"], ["EVAL", "return {ok=5}", "0"],
        ["EVAL", "return {err=5}", "0"], ["EVAL", "return {err='no code'}", "0"],
        ["EVAL", "local t={} t[1]=1 t[3]=3 return t", "0"], ["EVAL", "return tostring(math.huge)", "0"],
        ["EVAL", "return KEYS[1]..ARGV[1]", "1", "k", "a"], ["EVAL", "return {KEYS[2], ARGV[2]}", "2", "a", "b"],
        ["EVAL", "return setmetatable", "0"], ["EVAL", "return pcall(function() error('x') end)", "0"],
        ["EVAL", "return select('#', pcall(redis.call, 'nosuch'))", "0"],
        ["EVAL", "return loadstring('return 1')()", "0"], ["EVAL", "return unpack({1,2})", "0"],
        ["EVAL", "return cjson.encode({a=1})", "0"], ["EVAL", "return type(cjson.decode('[1,2]'))", "0"],
        ["EVAL", "return bit.band(7,3)", "0"], ["EVAL", "return redis.sha1hex('')", "0"],
        ["EVAL", "local a = 5 return a", "0"],
        # Numbers a 64-bit integer cannot hold, NaN, and deep nesting.
        ["EVAL", "return 1e300", "0"], ["EVAL", "return -1e300", "0"], ["EVAL", "return 0/0", "0"],
        ["EVAL", "return math.huge", "0"], ["EVAL", "return -3.99", "0"], ["EVAL", "return 2^63", "0"],
        ["EVAL", "return {{{{{{{{{{1}}}}}}}}}}", "0"],
        ["EVAL", "local t = {} local c = t for i = 1, 150 do c[1] = {} c = c[1] end c[1] = 7 return t", "0"])),
    ("EVAL and redis.call", steps(
        "SET s text", ["EVAL", "return redis.call('incr','s')", "0"], ["EVAL", "return redis.pcall('incr','s')", "0"],
        ["EVAL", "return redis.call('nosuch')", "0"], ["EVAL", "return redis.pcall('nosuch')", "0"],
        ["EVAL", "return redis.call('get')", "0"], ["EVAL", "return redis.call('set','k')", "0"],
        ["EVAL", "return redis.call('get', {})", "0"], ["EVAL", "return redis.call()", "0"],
        ["EVAL", "return redis.call('save')", "0"], ["EVAL", "return redis.call('multi')", "0"],
        ["EVAL", "return redis.call('eval','return 1','0')", "0"], ["EVAL", "return redis.call('watch','a')", "0"],
        ["EVAL", "return redis.call('ping')", "0"], ["EVAL", "return redis.call('get','nokey')", "0"],
        ["EVAL", "return redis.call('incrbyfloat','f','1.5')", "0"], ["EVAL", "return redis.call('set','a',1.5)", "0"],
        "GET a", ["EVAL", "return redis.call('set','a',3)", "0"], ["EVAL", "return redis.call('get','a')", "0"],
        ["EVAL", "redis.call('set',KEYS[1],ARGV[1]) return redis.call('mget',KEYS[1],'nokey')", "1", "x", "v"],
        ["EVAL", "return redis.error_reply('MY err')", "0"], ["EVAL", "return redis.status_reply('FINE')", "0"],
        ["EVAL", "return redis.status_reply(5)", "0"], ["EVAL", "return redis.sha1hex()", "0"],
        ["EVAL", "redis.log(redis.LOG_WARNING,'hi') return 1", "0"],
        ["EVAL_RO", "return redis.call('get','a')", "0"], ["EVAL_RO", "return redis.call('set','a','b')", "0"])),
    ("EVAL errors and sandbox", steps(
        ["EVAL", "error('boom')", "0"], ["EVAL", "x = 1", "0"], ["EVAL", "return y", "0"], ["EVAL", "return os", "0"],
        ["EVAL", "return loadfile", "0"], ["EVAL", "print('x')", "0"], ["EVAL", "math.random = nil", "0"],
        ["EVAL", "return 'x' .. nil", "0"], ["EVAL", "syntax error here", "0"], ["EVAL", "return 1", "-1"],
        ["EVAL", "return 1", "2", "a"], ["EVAL", "return 1", "x"], "EVAL", ["EVAL", "return 1"])),
    ("EVALSHA and SCRIPT", steps(
        ["SCRIPT", "LOAD", "return 1"], "SCRIPT EXISTS e0e1f9fabfc9d4800c877a703b823ac0578ff8db abc",
        "EVALSHA e0e1f9fabfc9d4800c877a703b823ac0578ff8db 0", "EVALSHA E0E1F9FABFC9D4800C877A703B823AC0578FF8DB 0",
        "EVALSHA_RO e0e1f9fabfc9d4800c877a703b823ac0578ff8db 0", "EVALSHA abc 0", "EVALSHA_RO abc 0",
        "SCRIPT FLUSH", "SCRIPT EXISTS e0e1f9fabfc9d4800c877a703b823ac0578ff8db",
        "EVALSHA e0e1f9fabfc9d4800c877a703b823ac0578ff8db 0", "SCRIPT FLUSH ASYNC", "SCRIPT FLUSH x",
        "SCRIPT KILL", "SCRIPT EXISTS", "SCRIPT NOSUCH", "SCRIPT", "SCRIPT HELP")),
    ("EVAL inside MULTI", steps(
        "MULTI", ["EVAL", "return redis.call('incr', KEYS[1])", "1", "c"], "INCR c", "EXEC")),
    # cmsgpack's bytes (every integer width, float and double, str 8/16/32, arrays,
    # maps, the nesting limit) and what unpack makes of them, errors included.
    ("EVAL cmsgpack", steps(*[["EVAL", script, "0"] for script in (
        "return cmsgpack.pack(0, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, 2^53)",
        "return cmsgpack.pack(-1, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649, -2^53)",
        "return cmsgpack.pack(1.5, 0.1, -0.25, 1e300, 2^63, -2^63, 1/0, -1/0)",
        "return cmsgpack.pack('', 'ab', string.rep('x', 31), string.rep('y', 32), string.rep('z', 256))",
        "return #cmsgpack.pack(string.rep('w', 65536))",
        "return cmsgpack.pack(true, false, nil, {}, {1, 2, 3}, {a=1}, {[1]=1, [3]=3}, {1, {2, {3}}})",
        "local t = {} for i = 1, 20 do t[i] = i end return cmsgpack.pack(t)",
        "local t = {} for i = 1, 20 do t['k' .. i] = i end return #cmsgpack.pack(t)",
        "return cmsgpack.pack({{{{{{{{{{{{{{{{{{1}}}}}}}}}}}}}}}}}})",
        "return cmsgpack.pack(string.len)", "return cmsgpack.pack()",
        "return {cmsgpack.unpack(cmsgpack.pack(1, 'a', -300, 70000, -70000, 2^40, -2^40, true))}",
        "local t = cmsgpack.unpack(cmsgpack.pack({1, 'two', {x=-300}})) return {t[1], t[2], t[3].x, #t}",
        "return {cmsgpack.unpack_one(cmsgpack.pack(7, 8))}",
        "return {cmsgpack.unpack_one(cmsgpack.pack(7, 8), 1)}",
        "return {cmsgpack.unpack_limit(cmsgpack.pack(7, 8, 9), 2)}",
        "return {cmsgpack.unpack_limit(cmsgpack.pack(7, 8, 9), 0)}",
        "return {cmsgpack.unpack_limit(cmsgpack.pack(7, 8, 9), 2, 1)}",
        "return cmsgpack.unpack('')", "return cmsgpack.unpack('\\205')", "return cmsgpack.unpack('\\193')",
        "return cmsgpack.unpack('\\212\\1\\2')", "return cmsgpack.unpack_one('ab', 5)",
        "return cmsgpack.unpack_limit('ab', -1)", "return cmsgpack.unpack(5)",
        "return cmsgpack.unpack('\\207\\255\\255\\255\\255\\255\\255\\255\\255')",
        "return cmsgpack.unpack('\\211\\255\\255\\255\\255\\255\\255\\255\\254')",
        "return tostring(cmsgpack.unpack('\\202\\63\\192\\0\\0'))",
        "return cmsgpack._NAME .. ' ' .. cmsgpack._VERSION",
        "cmsgpack.pack = nil")])),
]
