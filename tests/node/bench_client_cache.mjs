// A read-heavy workload through node-redis over RESP3, with its client-side
// cache (CLIENT TRACKING) on and off: 95 % GET, 5 % SET, uniform over 10,000
// hot keys, 32 requests in flight on one connection. Prints ops/s and the
// share of GETs the cache served. Not a test (docs/BENCHMARKS.md section 13).
//
// Usage: node tests/node/bench_client_cache.mjs PORT [OPS]   (a running mnemo-server's
// or redis-server's RESP port; tests/node/node_modules from scripts/setup)
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { createClient, BasicClientSideCache } = require('redis');
const port = Number(process.argv[2]);
const ops = Number(process.argv[3] ?? 200000);
const KEYS = 10000, INFLIGHT = 32;

function rng(seed) {  // xorshift: the same sequence for both runs
  let x = seed;
  return () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return (x >>> 0) / 4294967296; };
}

async function run(cached) {
  const cache = cached ? new BasicClientSideCache({ ttl: 0, maxEntries: 0 }) : undefined;
  const c = createClient({ socket: { host: '127.0.0.1', port }, RESP: 3, ...(cache ? { clientSideCache: cache } : {}) });
  await c.connect();
  const next = rng(12345);
  let done = 0, gets = 0;
  const start = process.hrtime.bigint();
  async function worker() {
    while (done < ops) {
      done++;
      const key = `hot:${Math.floor(next() * KEYS)}`;
      if (next() < 0.95) { gets++; await c.get(key); } else { await c.set(key, String(done)); }
    }
  }
  await Promise.all(Array.from({ length: INFLIGHT }, worker));
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  const hits = cache ? cache.stats().hitCount : 0;
  c.destroy();
  return { opsPerSec: ops / secs, hitShare: gets ? hits / gets : 0 };
}

const filler = createClient({ socket: { host: '127.0.0.1', port } });
await filler.connect();
for (let i = 0; i < KEYS; i += 500) {
  const m = filler.multi();
  for (let j = i; j < i + 500; j++) m.set(`hot:${j}`, 'v'.repeat(100));
  await m.exec();
}
filler.destroy();
for (const cached of [false, true, false, true, false, true, false, true]) {  // the first pair warms the JIT
  const r = await run(cached);
  console.log(`cache ${cached ? 'on ' : 'off'}: ${Math.round(r.opsPerSec)} ops/s, GETs served locally ${(100 * r.hitShare).toFixed(1)} %`);
}
