/**
 * Graceful shutdown of the real, built server process (`node dist/apps/api/src/main.js`, as `npm start`
 * runs it): on SIGTERM it stops accepting connections, lets the request in flight finish, flushes the store
 * and exits 0. Also: DGR_METRICS_PORT serves /metrics on its own port and not on PORT.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SqliteEventStore } from '@dgr/event-store';
import { TEST_SECRET, tokenFor } from './support/http-app';

const ROOT = path.join(__dirname, '..');
const SERVER = path.join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js');

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

const output = (child: ChildProcess): { text: () => string; waitFor: (p: RegExp, ms: number) => Promise<void> } => {
  let out = '';
  const listeners: Array<() => void> = [];
  const onData = (chunk: Buffer): void => {
    out += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return {
    text: () => out,
    waitFor: (pattern, ms) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${ms} ms:\n${out}`)), ms);
        const check = (): void => {
          if (pattern.test(out)) {
            clearTimeout(timer);
            resolve();
          }
        };
        listeners.push(check);
        check();
      }),
  };
};

const exitOf = (child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
  new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

/** Sends a request's head and half its body, and answers with the raw response once the rest is sent. */
const halfSentRequest = (port: number, body: string) => {
  const socket = connect(port, '127.0.0.1');
  let response = '';
  socket.on('data', (d) => (response += d.toString()));
  const ended = new Promise<string>((resolve) => socket.on('close', () => resolve(response)));
  const head =
    `POST /api/fund/deposits HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${tokenFor('finance')}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
  const half = Math.floor(body.length / 2);
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return {
    start: async () => {
      await connected;
      socket.write(head + body.slice(0, half));
    },
    finish: () => {
      socket.write(body.slice(half));
      return ended;
    },
  };
};

const refused = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });

let dir: string;
beforeAll(() => {
  if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run npm run build (npm ci does it) before the tests.`);
  dir = mkdtempSync(path.join(tmpdir(), 'dgr-shutdown-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('on SIGTERM: stops accepting, finishes the request in flight, flushes the store, exits 0', async () => {
  const file = path.join(dir, 'dgr.sqlite');
  const [port, metricsPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, [SERVER], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), DGR_SQLITE_FILE: file, DGR_JWT_SECRET: TEST_SECRET, DGR_METRICS_PORT: String(metricsPort), NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = output(child);
  const exited = exitOf(child);
  try {
    await out.waitFor(/Listening on/, 20_000);

    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('dgr_projection_lag_events 0');
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).not.toBe(200);

    const request = halfSentRequest(port, JSON.stringify({ amountOre: 123_400, source: 'Region Värmland', bookedOn: '2025-01-02', reference: 'V-SIGTERM' }));
    await request.start();
    child.kill('SIGTERM');
    await out.waitFor(/SIGTERM: no new connections/, 5000);
    expect(await refused(port)).toBe(true);
    const answer = await request.finish();
    expect(answer).toMatch(/^HTTP\/1\.1 201 /);
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(out.text()).toMatch(/Stopped: the store is flushed and closed/);
  } finally {
    child.kill('SIGKILL');
  }
  const store = new SqliteEventStore(file);
  const events = await store.readAll(0, 10);
  await store.close();
  expect(events.map((e) => [e.type, (e.data as { reference: string }).reference])).toEqual([['FundDeposited', 'V-SIGTERM']]);
}, 60_000);
