/**
 * The built code, as `npm start` and `npx dgr` run it: the @dgr/* imports are compile-time names that the
 * build (nest build, nest-cli.json) rewrites to relative paths, so `node dist/...` must resolve them without
 * ts-jest's module mapper. `npm ci` builds dist/ (the prepare script); this suite runs what it built.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.join(__dirname, '..');
const SERVER = path.join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js');
const DGR = path.join(ROOT, 'bin', 'dgr.js');
const run = promisify(execFile);

let dir: string;
beforeAll(() => {
  if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run npm run build (npm ci does it) before the tests.`);
  dir = mkdtempSync(path.join(tmpdir(), 'dgr-built-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

const waitForLine = (child: ChildProcess, pattern: RegExp, ms: number): Promise<string> =>
  new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${ms} ms:\n${out}`)), ms);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = out.match(pattern);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`exited with ${code} before ${pattern}:\n${out}`)));
  });

describe('the built dgr command and server', () => {
  it('dgr seed-demo and dgr status run from dist/', async () => {
    const file = path.join(dir, 'demo.sqlite');
    await run(process.execPath, [DGR, 'seed-demo', '--file', file], { cwd: ROOT });
    const { stdout } = await run(process.execPath, [DGR, 'status', '--file', file], { cwd: ROOT });
    expect(stdout).toMatch(/2024/);
    expect(stdout).toMatch(/consensus|konsensus/i);
  }, 60_000);

  it('the server starts from dist/ and answers', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [SERVER], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), DGR_SQLITE_FILE: path.join(dir, 'server.sqlite'), NODE_ENV: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await waitForLine(child, /Listening on http:\/\/localhost:\d+/, 30_000);
      const res = await fetch(`http://localhost:${port}/api/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok' });
    } finally {
      child.kill('SIGTERM');
    }
  }, 60_000);
});
