// node-redis (the npm package "redis", pinned in package.json) against mnemo's
// RESP port with its default options, which speak RESP3 (HELLO 3): common
// commands with their RESP3 types, MULTI, pub/sub on a duplicate connection,
// and node-redis's own client-side cache invalidated by another client.
//
// Starts $MNEMO_BIN_DIR/mnemo-server on a temporary directory and stops it by
// PID. Exits 77 (a CTest skip) when node_modules is missing: scripts/setup
// installs it (npm ci in tests/node).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
if (!existsSync(join(here, 'node_modules', 'redis'))) {
  console.log('node-redis is not installed (run scripts/setup): skipping');
  process.exit(77);
}
const require = createRequire(import.meta.url);
const { createClient, BasicClientSideCache } = require('redis');

const WAIT_MS = 10000;  // a bound on how long anything may take, not a measurement
const binDir = process.env.MNEMO_BIN_DIR ?? join(here, '..', '..', 'build', 'bin');
let server, tmp, port;

function waitFor(what, cond) {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + WAIT_MS;
    const poll = () => {
      const v = cond();
      if (v) return resolve(v);
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(poll, 10);  // polling a file or a flag, with a deadline
    };
    poll();
  });
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'mnemo-node-'));
  const portFile = join(tmp, 'ports');
  server = spawn(join(binDir, 'mnemo-server'), ['--bind', '127.0.0.1', '--port', '0', '--resp-port', '0',
    '--port-file', portFile, '--data-dir', join(tmp, 'data')], { stdio: 'ignore' });
  const text = await waitFor('the port file', () => {
    try {
      const t = readFileSync(portFile, 'utf8');
      return t.endsWith('\n') && t.includes('resp ') ? t : null;
    } catch { return null; }
  });
  port = Number(/resp (\d+)/.exec(text)[1]);
});

after(() => {
  if (server) process.kill(server.pid, 'SIGKILL');
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

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
