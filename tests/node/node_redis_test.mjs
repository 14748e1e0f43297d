// node-redis (the npm package "redis", pinned in package.json) against mnemo's
// RESP port with its default options, which speak RESP3 (HELLO 3): common
// commands with their RESP3 types, MULTI, pub/sub on a duplicate connection,
// and node-redis's own client-side cache invalidated by another client.
//
// Starts $MNEMO_BIN_DIR/mnemo-server on a temporary directory and stops it by
// PID. Exits 77 (a CTest skip) when node_modules is missing: scripts/setup
// installs it (npm ci in tests/node).
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startMnemo, stopMnemo } from './mnemo_server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
if (!existsSync(join(here, 'node_modules', 'redis'))) {
  console.log('node-redis is not installed (run scripts/setup): skipping');
  process.exit(77);
}
const require = createRequire(import.meta.url);
const { createClient, BasicClientSideCache } = require('redis');

let mnemo, port;

before(async () => {
  mnemo = await startMnemo('mnemo-node-');
  port = mnemo.port;
});

after(() => stopMnemo(mnemo));

async function connect(options = {}) {
  const c = createClient({ socket: { host: '127.0.0.1', port, reconnectStrategy: false }, ...options });
  c.on('error', () => {});
  await c.connect();
  return c;
}

test('default options connect with HELLO 3 and get RESP3 types', async () => {
  const c = await connect();
  assert.equal(await c.ping(), 'PONG');
  assert.equal(await c.set('k', 'v'), 'OK');
  assert.equal(await c.get('k'), 'v');
  assert.equal(await c.get('nosuch'), null);
  await c.hSet('h', { a: '1', b: '2' });
  assert.deepEqual(await c.hGetAll('h'), { a: '1', b: '2' });
  await c.sAdd('s', ['x', 'y']);
  assert.deepEqual((await c.sMembers('s')).sort(), ['x', 'y']);
  await c.zAdd('z', [{ score: 1.5, value: 'm' }]);
  assert.equal(await c.zScore('z', 'm'), 1.5);
  assert.deepEqual(await c.zRangeWithScores('z', 0, -1), [{ value: 'm', score: 1.5 }]);
  assert.equal(await c.incr('n'), 1);
  assert.deepEqual(await c.multi().set('t', '1').incr('t').get('t').exec(), ['OK', 2, '2']);
  const hello = await c.sendCommand(['HELLO']);
  assert.equal(hello.proto, 3);
  c.destroy();
});

test('pub/sub on a RESP3 connection', async () => {
  const c = await connect();
  const sub = c.duplicate();
  sub.on('error', () => {});
  await sub.connect();
  let resolve;
  const got = new Promise((r) => { resolve = r; });
  await sub.subscribe('news', (message, channel) => resolve([channel, message]));
  assert.equal(await c.publish('news', 'hello'), 1);
  assert.deepEqual(await got, ['news', 'hello']);
  sub.destroy();
  c.destroy();
});

test('the client-side cache is invalidated when another client writes', async () => {
  const cache = new BasicClientSideCache({ ttl: 0, maxEntries: 0 });
  const cached = await connect({ RESP: 3, clientSideCache: cache });
  const writer = await connect();
  await writer.set('ck', 'v1');
  assert.equal(await cached.get('ck'), 'v1');
  assert.equal(await cached.get('ck'), 'v1');
  assert.equal(cache.stats().hitCount, 1, 'the second GET is served from the cache');
  const invalidated = new Promise((r) => cache.once('invalidate', r));
  await writer.set('ck', 'v2');
  await invalidated;
  assert.equal(await cached.get('ck'), 'v2', 'never the stale value after the invalidation');
  cached.destroy();
  writer.destroy();
});
