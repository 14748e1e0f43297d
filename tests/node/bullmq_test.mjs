// BullMQ (npm "bullmq" with ioredis, pinned in package.json) against mnemo's
// RESP port, unchanged: its Lua scripts (cmsgpack, many commands per script),
// its marker and blocking commands, and its events stream (QueueEvents reads
// it with XREAD BLOCK). A Queue adds plain, delayed, retried and prioritized
// jobs; a Worker runs them (return values, progress, one that always fails);
// QueueEvents sees 'completed' and 'failed'; job counts and return values.
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
import { startMnemo, stopMnemo, within } from './mnemo_server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
if (!existsSync(join(here, 'node_modules', 'bullmq')) || !existsSync(join(here, 'node_modules', 'ioredis'))) {
  console.log('bullmq or ioredis is not installed (run scripts/setup): skipping');
  process.exit(77);
}
const require = createRequire(import.meta.url);
const { Queue, Worker, QueueEvents } = require('bullmq');

let mnemo, port;

before(async () => {
  mnemo = await startMnemo('mnemo-bullmq-');
  port = mnemo.port;
});

after(() => stopMnemo(mnemo));

// Records QueueEvents' `event` reports by job id from the start (a job may
// finish before the test knows its id); all(ids) resolves once each has one.
function recordEvents(queueEvents, event) {
  const seen = new Map();
  const waiters = [];
  queueEvents.on(event, (args) => {
    seen.set(args.jobId, args);
    for (const w of waiters) w();
  });
  return {
    all: (ids) => new Promise((resolve) => {
      const check = () => { if (ids.every((id) => seen.has(id))) resolve(seen); };
      waiters.push(check);
      check();
    }),
  };
}

test('a queue, a worker and queue events run jobs end to end', async () => {
  const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null };
  const name = 'jobs';
  const queue = new Queue(name, { connection });
  // From the stream's start, so no event can slip in before the first XREAD BLOCK.
  const queueEvents = new QueueEvents(name, { connection, lastEventId: '0-0' });
  const progress = [];
  const order = [];  // job names in the order the worker started them
  let flakyRuns = 0;
  const worker = new Worker(name, async (job) => {
    order.push(job.name);
    switch (job.name) {
      case 'double':
        await job.updateProgress(50);
        progress.push(job.id);
        return job.data.n * 2;
      case 'flaky':
        flakyRuns += 1;
        if (job.attemptsMade === 0) throw new Error('first attempt fails');
        return 'recovered';
      case 'broken':
        throw new Error('always fails');
      default:
        return `ran ${job.name}`;
    }
  }, { connection, concurrency: 1, autorun: false });  // started once every job is queued
  try {
    const completedEvents = recordEvents(queueEvents, 'completed');
    const failedEvents = recordEvents(queueEvents, 'failed');
    await within('QueueEvents to connect', queueEvents.waitUntilReady());
    await within('the worker to connect', worker.waitUntilReady());

    const plain = await queue.add('double', { n: 21 });
    const delayed = await queue.add('later', {}, { delay: 200 });
    const flaky = await queue.add('flaky', {}, { attempts: 3, backoff: { type: 'fixed', delay: 50 } });
    const low = await queue.add('low', {}, { priority: 5 });
    const urgent = await queue.add('urgent', {}, { priority: 1 });
    const broken = await queue.add('broken', {}, { attempts: 1 });
    const okIds = [plain.id, delayed.id, flaky.id, low.id, urgent.id];
    worker.run().catch(() => {});  // resolves when the worker closes
    const done = await within('completed events for every good job', completedEvents.all(okIds));
    const fails = await within("the broken job's failed event", failedEvents.all([broken.id]));
    assert.equal(done.get(plain.id).returnvalue, 42);
    assert.equal(done.get(flaky.id).returnvalue, 'recovered');
    assert.equal(fails.get(broken.id).failedReason, 'always fails');
    assert.equal(flakyRuns, 2);
    assert.deepEqual(progress, [plain.id]);
    assert.ok(order.indexOf('urgent') < order.indexOf('low'), `priority 1 runs before 5: ${order}`);

    const job = await queue.getJob(plain.id);
    assert.equal(job.returnvalue, 42);
    assert.equal(job.progress, 50);
    const counts = await queue.getJobCounts('completed', 'failed', 'waiting', 'delayed', 'active');
    assert.deepEqual(counts, { completed: 5, failed: 1, waiting: 0, delayed: 0, active: 0 });
    const failedJob = await queue.getJob(broken.id);
    assert.equal(failedJob.failedReason, 'always fails');
    assert.equal(failedJob.attemptsMade, 1);
  } finally {
    await within('the worker to close', worker.close());
    await within('QueueEvents to close', queueEvents.close());
    await within('the queue to close', queue.close());
  }
});
