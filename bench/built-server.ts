/**
 * The built server (dist/apps/api/src/main.js, as `npm start` runs it) in a child process of its own, and a
 * small HTTP client for it: what the server part of `npm run bench` (server-bench.ts) and the crash harness
 * (crash.ts) drive. The server is configured through the environment only, as an operator would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { BENCH_JWT_SECRET } from './tokens';

/** The repository's root, from dist-bench/bench/ (built) or bench/ (ts-jest). */
export const ROOT = [path.join(__dirname, '..', '..'), path.join(__dirname, '..')].find((dir) =>
  fs.existsSync(path.join(dir, 'nest-cli.json')),
)!;
export const SERVER_JS = path.join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js');
export const CLI_JS = path.join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js');

export const requireBuilt = (): void => {
  for (const file of [SERVER_JS, CLI_JS]) if (!fs.existsSync(file)) throw new Error(`${file} is missing: npm run build first`);
};

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

/**
 * The environment the bench gives the server: its log, its port, the bench's JWT secret, no rate limit (a load
 * test measures capacity, not the limit) and the event-loop delay sampled every millisecond. The read-model
 * file, the signing key and the token secrets are left to their defaults: beside the log, in the run's own folder.
 */
export const serverEnv = (file: string, port: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  NODE_ENV: 'production',
  PORT: String(port),
  DGR_SQLITE_FILE: file,
  DGR_JWT_SECRET: BENCH_JWT_SECRET,
  DGR_RATE_LIMIT_PER_MINUTE: '0',
  DGR_RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0',
  DGR_METRICS_EVENT_LOOP_RESOLUTION_MS: '1',
  ...extra,
});

export interface RunningServer {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  readonly base: string;
  /** performance.now() when it was spawned. */
  readonly spawnedAt: number;
  /** The last few KiB of its standard error. */
  stderr(): string;
  /** Ms from spawn until GET /api/health/ready answered 200 (rejects when the process exits or `timeoutMs` passes). */
  ready(timeoutMs: number): Promise<number>;
  /** SIGTERM (graceful) and wait for the exit; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** kill -9, and wait until the process is gone. */
  kill9(): Promise<void>;
  /** Resident memory of the server process (Linux: VmRSS in /proc/<pid>/status), bytes. */
  rss(): number;
}

/** `nodeArgs`: options for node itself, before the script (`--cpu-prof` is refused in NODE_OPTIONS). */
export const startServer = (env: NodeJS.ProcessEnv, nodeArgs: readonly string[] = []): RunningServer => {
  const port = Number(env.PORT);
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, SERVER_JS], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const gone = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const base = `http://127.0.0.1:${port}`;
  return {
    child,
    pid: child.pid!,
    port,
    base,
    spawnedAt,
    stderr: () => stderr,
    ready: async (timeoutMs) => {
      for (;;) {
        if (gone()) throw new Error(`the server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${stderr.slice(-3000)}`);
        if (performance.now() - spawnedAt > timeoutMs) throw new Error(`the server was not ready within ${timeoutMs / 1000} s`);
        try {
          const res = await fetch(`${base}/api/health/ready`);
          await res.arrayBuffer();
          if (res.status === 200) return performance.now() - spawnedAt;
        } catch {
          /* not listening yet */
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop: async (graceMs = 60_000) => {
      if (gone()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    kill9: async () => {
      if (gone()) return;
      child.kill('SIGKILL');
      await exited;
    },
    rss: () => {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
      if (!kb) throw new Error(`no VmRSS in /proc/${child.pid}/status`);
      return Number(kb[1]) * 1024;
    },
  };
};

export interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly ms: number;
}

/** One HTTP request over the given agent; rejects on a connection error or after `timeoutMs`. */
export const request = (
  agent: http.Agent,
  base: string,
  method: 'GET' | 'POST',
  urlPath: string,
  headers: Record<string, string>,
  body?: string,
  timeoutMs = 120_000,
): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const url = new URL(urlPath, base);
    const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
    const t = performance.now();
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        agent,
        headers: payload ? { ...headers, 'content-type': 'application/json', 'content-length': payload.length } : headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers, ms: performance.now() - t }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end(payload);
  });
