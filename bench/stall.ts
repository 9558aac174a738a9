/**
 * `npm run bench:stall [-- --events N]`: does one heavy read stall everyone else? The built server
 * (dist/apps/api/src/main.js, as `npm start` runs it) on a copy of the bench's generated log of N events
 * (default 200 000); for each kind of read, one request of it is sent while GET /api/health is asked every
 * 10 ms, and the table shows how long the read took and how long health answers took meanwhile (p99 and
 * max). A read that holds the event loop shows as a health answer as slow as itself. The server's resident
 * memory (VmRSS, from /proc) is sampled with each health answer: before the read and its peak meanwhile, so an
 * export that builds its file in memory shows as a peak that grows with the log. Last, `dgr export --format
 * jsonl --out FILE` on the same log, with the command's peak resident memory (VmHWM).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { eventsFile } from './events-file';
import { auditorAuthorization, BENCH_JWT_SECRET } from './tokens';

const out = (line = ''): void => void process.stdout.write(`${line}\n`);
const log = (line: string): void => void process.stderr.write(`  · ${line}\n`);

const argValue = (flag: string, fallback: number): number => {
  const at = process.argv.indexOf(flag);
  if (at < 0) return fallback;
  const n = Number(process.argv[at + 1]?.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${flag} needs a whole number ≥ 1`);
  return n;
};

/**
 * A GET, tried once more when the connection was reset: undici may reuse a kept-alive connection that the
 * server closed as idle (keepAliveTimeout) just then; that says nothing about the service.
 */
const get = async (url: string, init?: RequestInit): Promise<Response> => {
  try {
    return await fetch(url, init);
  } catch (e) {
    if (!String((e as Error).cause ?? '').includes('ECONNRESET')) throw e;
    return fetch(url, init);
  }
};

/** A process's resident memory in MiB from /proc/<pid>/status (VmRSS now, VmHWM its peak); null when gone. */
const memoryMiB = (pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number | null => {
  if (pid === undefined) return null;
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
};

/** `dgr export --format jsonl` of `file` into a file: how long, how many bytes, and the command's peak resident memory. */
const cliExport = async (file: string, dir: string): Promise<{ ms: number; bytes: number; peakMiB: number; status: string }> => {
  const out = path.join(dir, 'export.jsonl');
  const t = performance.now();
  const child = spawn(process.execPath, [path.join(__dirname, '..', '..', 'bin', 'dgr.js'), 'export', '--format', 'jsonl', '--file', file, '--out', out], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let peakMiB = 0;
  const sampler = setInterval(() => (peakMiB = Math.max(peakMiB, memoryMiB(child.pid, 'VmHWM') ?? 0)), 20);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(sampler);
  const ms = performance.now() - t;
  const bytes = fs.existsSync(out) ? fs.statSync(out).size : 0;
  fs.rmSync(out, { force: true });
  return { ms, bytes, peakMiB, status: code === 0 ? 'ok' : `exit ${code}: ${stderr.trim().slice(-300)}` };
};

const percentile = (values: number[], p: number): number => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

const main = async (): Promise<void> => {
  const events = argValue('--events', 200_000);
  const port = argValue('--port', 3977);
  const server = path.join(__dirname, '..', '..', 'dist', 'apps', 'api', 'src', 'main.js');
  if (!fs.existsSync(server)) throw new Error(`${server} is missing: npm run build first`);
  const source = await eventsFile(events, log);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dgr-stall-'));
  const file = path.join(dir, 'dgr.sqlite');
  fs.copyFileSync(source, file);
  const base = `http://127.0.0.1:${port}`;
  const authorization = auditorAuthorization();

  const started = performance.now();
  const child = spawn(process.execPath, [server], {
    env: { ...process.env, PORT: String(port), DGR_SQLITE_FILE: file, DGR_JWT_SECRET: BENCH_JWT_SECRET, DGR_RATE_LIMIT_PER_MINUTE: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    for (;;) {
      try {
        if ((await fetch(`${base}/api/health`)).ok) break;
      } catch {
        /* not listening yet */
      }
      if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const startSeconds = (performance.now() - started) / 1000;
    log(`server answered after ${startSeconds.toFixed(1)} s on ${events} events`);

    // An initiative with money (its history names fund events), else the first one.
    const ledger = (await (await get(`${base}/api/fund/ledger?limit=100`, { headers: { authorization } })).json()) as Array<{ initiativeId: string | null }>;
    const first = (await (await get(`${base}/api/initiatives?limit=1`, { headers: { authorization } })).json()) as Array<{ id: string }>;
    const initiative = ledger.find((b) => b.initiativeId !== null)?.initiativeId ?? first[0]?.id ?? 'none';
    const reads: Array<[string, string]> = [
      ['initiative page (HTML, with its history)', `/initiativ/${initiative}`],
      ['list page', '/api/initiatives?limit=10'],
      ['list page, as of a day', '/api/initiatives?limit=10&asOf=2024-06-01'],
      ['list page, known at', '/api/initiatives?limit=10&knownAt=2024-06-01T12:00:00Z'],
      ['fund, known at', '/api/fund?knownAt=2024-06-01T12:00:00Z'],
      ['fund years', '/api/fund/years'],
      ['ledger page', '/api/fund/ledger?limit=100'],
      ['reminders (one party)', '/api/reminders?party=1780'],
      ['reminders (all parties)', '/api/reminders'],
      ['overview page (HTML)', '/'],
      ['overview by status (HTML)', '/?status=open'],
      ['fund page (HTML)', '/fonden'],
      ['annual report 2024', '/api/reports/annual/2024'],
      ['events.jsonl export', '/api/exports/events.jsonl'],
      ['initiatives.csv export', '/api/exports/initiatives.csv'],
      ['verify the log', '/api/audit/verify'],
    ];
    const rows: string[][] = [];
    for (const [name, url] of reads) {
      if (child.exitCode !== null || child.signalCode !== null) {
        rows.push([name, `server gone (${child.exitCode ?? child.signalCode})`, '', '', '', '', '', '', '']);
        continue;
      }
      try {
        rows.push(await measure(name, url));
      } catch (e) {
        rows.push([name, `failed: ${e instanceof Error ? e.message : String(e)}`, '', '', '', '', '', '', '']);
      }
    }
    async function measure(name: string, url: string): Promise<string[]> {
      const health: number[] = [];
      const rssBefore = memoryMiB(child.pid, 'VmRSS') ?? 0;
      let rssPeak = rssBefore;
      let done = false;
      const prober = (async () => {
        while (!done) {
          const t = performance.now();
          await get(`${base}/api/health`)
            .then((r) => r.arrayBuffer())
            .catch((e: unknown) => {
              throw new Error(`GET /api/health during ${url}: ${e instanceof Error ? `${e.message} ${String(e.cause)}` : String(e)}`);
            });
          health.push(performance.now() - t);
          rssPeak = Math.max(rssPeak, memoryMiB(child.pid, 'VmRSS') ?? 0);
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      const t = performance.now();
      const res = await get(base + url, { headers: { authorization } }).catch((e: unknown) => {
        throw new Error(`GET ${url}: ${e instanceof Error ? `${e.message} ${String(e.cause)}` : String(e)}`);
      });
      const bytes = (await res.arrayBuffer()).byteLength;
      const ms = performance.now() - t;
      done = true;
      await prober;
      return [
        name,
        String(res.status),
        ms.toFixed(0),
        (bytes / 1024).toFixed(0),
        String(health.length),
        percentile(health, 99).toFixed(0),
        Math.max(0, ...health).toFixed(0),
        rssBefore.toFixed(0),
        rssPeak.toFixed(0),
      ];
    }
    out(`# One heavy read at a time, with GET /api/health every 10 ms meanwhile (${events} events; ${os.cpus().length} cores; node ${process.version})`);
    out(`start until the first answer: ${startSeconds.toFixed(1)} s`);
    out();
    out('| read | status | ms | KiB | health answers | health p99 ms | health max ms | server RSS before MiB | server RSS peak MiB |');
    out('|---|---|---|---|---|---|---|---|---|');
    for (const r of rows) out(`| ${r.join(' | ')} |`);
    const cli = await cliExport(file, dir);
    out();
    out(`dgr export --format jsonl --out FILE: ${cli.status}, ${(cli.ms / 1000).toFixed(1)} s, ${(cli.bytes / 1024 / 1024).toFixed(0)} MiB written, peak resident memory ${cli.peakMiB.toFixed(0)} MiB`);
    if (stderr.trim() !== '') out(`\nthe server's standard error:\n${stderr.trim().slice(-2000)}`);
  } finally {
    child.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

main().catch((e) => {
  process.stderr.write(`bench:stall: ${e instanceof Error ? `${e.message}${e.cause ? ` (${String(e.cause)})` : ''}` : String(e)}\n`);
  process.exit(1);
});
