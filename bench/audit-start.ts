/**
 * `npm run build && npm run build:bench && node dist-bench/bench/audit-start.js [--events N] [--server path/to/main.js]`:
 * how long the built server (dist/apps/api/src/main.js, as `npm start` runs it) takes from spawn until its first
 * answer (wall time, and the CPU time it used: the figure other load on the machine moves least) on a copy of the bench's generated log of N events (default 200 000), and its resident memory then:
 * first on a folder without a read-model file (the read models are built from the log), then again on the same
 * folder after a clean stop (the audit read model resumes from read-models.sqlite). `--server` measures another
 * build (e.g. an older release's) the same way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { eventsFile } from './events-file';
import { BENCH_JWT_SECRET } from './tokens';

const out = (line = ''): void => void process.stdout.write(`${line}\n`);
const log = (line: string): void => void process.stderr.write(`  · ${line}\n`);

const argOf = (flag: string): string | undefined => {
  const at = process.argv.indexOf(flag);
  return at < 0 ? undefined : process.argv[at + 1];
};

const residentMiB = (pid: number): number => {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
};

/** CPU seconds (user + system) the process has used: unlike wall time, hardly moved by other load on the machine. */
const cpuSeconds = (pid: number): number => {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));

const startOnce = async (server: string, dir: string, port: number): Promise<{ seconds: number; cpu: number; rssMiB: number; stdout: string }> => {
  const started = performance.now();
  const child = spawn(process.execPath, [server], {
    env: { ...process.env, PORT: String(port), DGR_SQLITE_FILE: path.join(dir, 'dgr.sqlite'), DGR_JWT_SECRET: BENCH_JWT_SECRET, DGR_RATE_LIMIT_PER_MINUTE: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  try {
    for (;;) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) break;
      } catch {
        /* not listening yet */
      }
      if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}: ${stderr.slice(-1000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - started) / 1000;
    return { seconds, cpu: cpuSeconds(child.pid!), rssMiB: residentMiB(child.pid!), stdout };
  } finally {
    child.kill('SIGTERM');
    await exited(child);
  }
};

const main = async (): Promise<void> => {
  const events = Number((argOf('--events') ?? '200000').replace(/_/g, ''));
  if (!Number.isSafeInteger(events) || events < 1) throw new Error('--events needs a whole number ≥ 1');
  const port = Number(argOf('--port') ?? 3978);
  const server = path.resolve(argOf('--server') ?? path.join(__dirname, '..', '..', 'dist', 'apps', 'api', 'src', 'main.js'));
  if (!fs.existsSync(server)) throw new Error(`${server} is missing: npm run build first`);
  const source = await eventsFile(events, log);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dgr-audit-start-'));
  try {
    fs.copyFileSync(source, path.join(dir, 'dgr.sqlite'));
    const cold = await startOnce(server, dir, port);
    log(`first start: ${cold.seconds.toFixed(1)} s`);
    const modelFile = path.join(dir, 'read-models.sqlite');
    const modelMiB = fs.existsSync(modelFile) ? fs.statSync(modelFile).size / 2 ** 20 : null;
    const warm = await startOnce(server, dir, port);
    out(`# Start until the first answer (${events} events; ${os.cpus().length} cores; node ${process.version}; ${path.relative(process.cwd(), server)})`);
    out();
    out('| start | seconds | server CPU seconds | resident MiB |');
    out('|---|---|---|---|');
    out(`| first (no read-model file) | ${cold.seconds.toFixed(1)} | ${cold.cpu.toFixed(1)} | ${cold.rssMiB.toFixed(0)} |`);
    out(`| again (read-model file kept) | ${warm.seconds.toFixed(1)} | ${warm.cpu.toFixed(1)} | ${warm.rssMiB.toFixed(0)} |`);
    if (modelMiB !== null) out(`\nread-models.sqlite after the first start: ${modelMiB.toFixed(0)} MiB`);
    const audit = (cold.stdout + warm.stdout)
      .split('\n')
      .filter((l) => l.includes('Audit read model'))
      .map((l) => l.replace(/^.*"msg":"([^"]*)".*$/, '$1'));
    if (audit.length > 0) out(`\nthe audit read model's log lines (first start, then second):\n${audit.join('\n')}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

main().catch((e) => {
  process.stderr.write(`audit-start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
