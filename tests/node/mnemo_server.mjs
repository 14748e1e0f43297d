// What the client-library tests in tests/node share: a mnemo-server of their
// own ($MNEMO_BIN_DIR/mnemo-server on ephemeral loopback ports and a temporary
// data directory, stopped by its PID) and bounded waits.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WAIT_MS = 20000;  // a bound on how long anything may take, not a measurement
const here = dirname(fileURLToPath(import.meta.url));
const binDir = process.env.MNEMO_BIN_DIR ?? join(here, '..', '..', 'build', 'bin');

// Resolves with cond()'s first truthy value; fails naming `what` after WAIT_MS.
export function waitFor(what, cond) {
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

// Settles with `promise`, or fails naming `what` after WAIT_MS.
export function within(what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), WAIT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Starts a server; resolves with { server, tmp, port } (port: the RESP port).
export async function startMnemo(prefix) {
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  const portFile = join(tmp, 'ports');
  const server = spawn(join(binDir, 'mnemo-server'), ['--bind', '127.0.0.1', '--port', '0', '--resp-port', '0',
    '--port-file', portFile, '--data-dir', join(tmp, 'data')], { stdio: 'ignore' });
  const text = await waitFor('the port file', () => {
    try {
      const t = readFileSync(portFile, 'utf8');
      return t.endsWith('\n') && t.includes('resp ') ? t : null;
    } catch { return null; }
  });
  return { server, tmp, port: Number(/resp (\d+)/.exec(text)[1]) };
}

// Stops the server by its PID and removes its directory.
export function stopMnemo(state) {
  if (state?.server) process.kill(state.server.pid, 'SIGKILL');
  if (state?.tmp) rmSync(state.tmp, { recursive: true, force: true });
}
