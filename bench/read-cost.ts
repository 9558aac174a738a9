/**
 * The main thread's CPU time per request of each read kind of target 6 (and of /api/health, the framework's own
 * share), one request at a time, against a server already running — e.g. on a folder kept by `--keep`:
 *
 *   npm run build:bench && node dist-bench/bench/read-cost.js --url http://127.0.0.1:PORT --pid PID [--n 100] [--seed 1]
 *
 * The server must accept the bench's tokens (DGR_JWT_SECRET as bench/built-server.ts sets it). CPU time (user +
 * system of the server's main thread, /proc/<pid>/task/<pid>/stat, in 10 ms ticks: over 100 requests, 0.1 ms)
 * holds better than wall-clock time on a machine other work shares; the median wall-clock time is printed too.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import { request } from './built-server';
import { readKinds, seeded, type ReadKind } from './server-bench';
import { auditorAuthorization } from './tokens';

const arg = (name: string, fallback?: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? process.argv[i + 1] : fallback;
  if (value === undefined) throw new Error(`--${name} is needed`);
  return value;
};

/** CPU ms of the process's main thread (its task with the process's own id). */
const mainThreadCpuMs = (pid: number): number => {
  const stat = fs.readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

const main = async (): Promise<void> => {
  const base = arg('url');
  const pid = Number(arg('pid'));
  const n = Number(arg('n', '100'));
  const random = seeded(Number(arg('seed', '1')));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const headers = { authorization: auditorAuthorization() };
  const get = (p: string) => request(agent, base, 'GET', p, headers);
  const initiatives = Number((await get('/api/initiatives?limit=1')).headers['x-total-count'] ?? 0);
  const bookings = Number((await get('/api/fund/ledger?limit=1')).headers['x-total-count'] ?? 0);
  const ids = (JSON.parse((await get(`/api/initiatives?limit=500&offset=${Math.floor(initiatives / 3)}`)).body) as Array<{ id: string }>).map((i) => i.id);
  const kinds: ReadKind[] = [...readKinds(random, ids, initiatives, bookings), { kind: 'health', path: () => '/api/health' }];
  for (const kind of kinds) {
    const ms: number[] = [];
    const cpu0 = mainThreadCpuMs(pid);
    for (let i = 0; i < n; i++) {
      const answer = await get(kind.path());
      if (answer.status !== 200 && !(kind.allow404 && answer.status === 404)) throw new Error(`${kind.kind}: ${answer.status} ${answer.body.slice(0, 200)}`);
      ms.push(answer.ms);
    }
    const cpu = (mainThreadCpuMs(pid) - cpu0) / n;
    ms.sort((a, b) => a - b);
    process.stdout.write(`${kind.kind.padEnd(26)} main-thread CPU ${cpu.toFixed(1).padStart(6)} ms/request   median ${ms[Math.floor(n / 2)]!.toFixed(1).padStart(7)} ms\n`);
  }
  agent.destroy();
};

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
