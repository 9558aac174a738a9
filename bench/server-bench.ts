/**
 * The server part of `npm run bench` (targets 2 and 4–7): the built server (dist/, as `npm start` runs it) on a
 * copy of the bench's generated log of N events, driven over HTTP from this process, in this order:
 *
 *   0. (target 2 only) the same server on an EMPTY log, start until GET /api/health/ready answers 200: the
 *      process's own boot (Node, Nest, the routes), subtracted from the cold start below.
 *   1. cold start: the server on the copy, with no read-model file beside it (nothing built yet), until ready.
 *      Cold start − empty start = the rebuild the service really does at its start, whatever it is: today a
 *      replay into memory; with persistent read models, the replay plus writing them. Target 2 compares its
 *      events/s with reading and parsing the same rows raw. Then SIGTERM (a graceful stop).
 *   2. warm start: the server again on the same files, until ready (target 4: ≤ 2 s), and its resident
 *      memory (VmRSS of the process) right then (target 5a).
 *   3. `--mixed-reads` (1 000) reads of the nine kinds below, 8 at a time, then the RSS again (target 5b).
 *   4. load: `--connections` (32) keep-alive connections send the nine kinds of read round-robin while
 *      `--writers` (4) more connections write (propose an initiative, register its 17 decisions, deposit
 *      into the fund, all with Idempotency-Keys) for `--load-seconds` (30). Each read kind's p99 (target 6:
 *      ≤ 50 ms each). Before the load the bench scrapes /metrics once, which resets prom-client's event-loop
 *      histogram (monitorEventLoopDelay, sampled every 1 ms: DGR_METRICS_EVENT_LOOP_RESOLUTION_MS=1); after it,
 *      once more: the p99 and max of the server's own event-loop delay during the load (target 7: ≤ 20 ms,
 *      ≤ 100 ms). Requests still unanswered when the time is up count with the time they had waited (a lower
 *      bound of their latency) and are then abandoned.
 *
 * Random choices (offsets, ids, days, instants) come from a seeded generator (`--seed`), printed.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PARTY_IDS } from '@dgr/domain';
import { freePort, request, requireBuilt, serverEnv, startServer, type RunningServer } from './built-server';
import { auditorAuthorization, clerkAuthorization, financeAuthorization, secretariatAuthorization } from './tokens';

export interface ServerBenchOptions {
  readonly file: string;
  readonly events: number;
  readonly connections: number;
  readonly writers: number;
  readonly loadSeconds: number;
  readonly mixedReads: number;
  readonly seed: number;
  /**
   * A folder to run in and keep (`--keep DIR`): the log is copied there only when absent, and the cold start is
   * skipped when the read-model file is already there, so that a developer can measure the warm steps again and
   * again on one built folder. Null: a fresh temporary folder, deleted afterwards (what a bench run reports).
   */
  readonly keepDir: string | null;
  /** Node options for the server process, on its command line (`--server-node-options`, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`). */
  readonly serverNodeOptions: string | null;
  /** Variables for the server beside the bench's own (`--server-env`). */
  readonly serverEnv: Record<string, string>;
  /** Which steps to run. */
  readonly emptyBaseline: boolean;
  readonly warm: boolean;
  readonly mixed: boolean;
  readonly load: boolean;
  readonly log: (line: string) => void;
}

export interface KindStats {
  readonly kind: string;
  readonly example: string;
  readonly count: number;
  /** Answers other than 200 (404 allowed for known-at of one initiative: not known yet), or no answer. */
  readonly failed: number;
  /** Requests unanswered when the load ended (counted with the time they had waited). */
  readonly unfinished: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly samples: string[];
}

export interface ServerBenchResult {
  readonly seed: number;
  readonly logBytes: number;
  readonly emptyStartMs: number | null;
  readonly coldStartMs: number;
  readonly warmStartMs: number | null;
  readonly rssAfterStart: number | null;
  readonly mixed: { readonly reads: number; readonly failed: number; readonly seconds: number; readonly rss: number; readonly capped: boolean } | null;
  readonly load: {
    readonly seconds: number;
    readonly kinds: KindStats[];
    readonly writes: number;
    readonly writesFailed: number;
    readonly writeP99Ms: number;
    readonly writeSamples: string[];
    readonly eventLoopP99Ms: number | null;
    readonly eventLoopMaxMs: number | null;
    readonly rss: number;
  } | null;
  readonly stderr: string;
}

/** mulberry32: a small seeded generator, so that a run's choices can be repeated. */
export const seeded = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const FIRST_MS = Date.parse('2019-01-07T00:00:00Z');
const MIXED_READS_CAP_MS = 120_000;

export interface ReadKind {
  readonly kind: string;
  readonly path: () => string;
  readonly allow404?: boolean;
}

/** The nine kinds of read issue 13 names, with random pages, ids, days and instants. */
export const readKinds = (random: () => number, ids: readonly string[], initiatives: number, bookings: number): ReadKind[] => {
  const int = (n: number): number => Math.floor(random() * Math.max(1, n));
  const offset = (total: number, limit: number): number => int(Math.max(1, total - limit));
  const id = (): string => ids[int(ids.length)]!;
  const instant = (): string => new Date(FIRST_MS + random() * (Date.now() - FIRST_MS)).toISOString();
  const day = (): string => instant().slice(0, 10);
  return [
    { kind: 'list page', path: () => `/api/initiatives?limit=10&offset=${offset(initiatives, 10)}` },
    { kind: 'one initiative', path: () => `/api/initiatives/${id()}` },
    { kind: 'fund', path: () => '/api/fund' },
    { kind: 'fund years', path: () => '/api/fund/years' },
    { kind: 'ledger page', path: () => `/api/fund/ledger?limit=100&offset=${offset(bookings, 100)}` },
    { kind: 'list page as of a day', path: () => `/api/initiatives?limit=10&offset=${offset(initiatives / 2, 10)}&asOf=${day()}` },
    { kind: 'list page known at', path: () => `/api/initiatives?limit=10&offset=${offset(initiatives / 2, 10)}&knownAt=${instant()}` },
    { kind: 'fund known at', path: () => `/api/fund?knownAt=${instant()}` },
    { kind: 'one initiative known at', path: () => `/api/initiatives/${id()}?knownAt=${instant()}`, allow404: true },
  ];
};

const metricValue = (text: string, name: string): number | null => {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  if (!line) return null;
  const value = Number(line.slice(line.lastIndexOf(' ') + 1));
  return Number.isFinite(value) ? value : null;
};

export const runServerBench = async (options: ServerBenchOptions): Promise<ServerBenchResult> => {
  requireBuilt();
  const { log } = options;
  const random = seeded(options.seed);
  const dir = options.keepDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'dgr-bench-server-'));
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'dgr.sqlite');
  // On node's command line, not in NODE_OPTIONS: node 20 refuses --cpu-prof there.
  const nodeArgs = options.serverNodeOptions?.split(/\s+/).filter(Boolean) ?? [];
  const auditor = { authorization: auditorAuthorization() };
  let server: RunningServer | null = null;
  let stderr = '';
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections + options.writers + 8 });
  try {
    let emptyStartMs: number | null = null;
    if (options.emptyBaseline) {
      fs.mkdirSync(path.join(dir, 'empty'));
      const empty = startServer(serverEnv(path.join(dir, 'empty', 'dgr.sqlite'), await freePort(), options.serverEnv));
      try {
        emptyStartMs = await empty.ready(120_000);
      } finally {
        await empty.stop();
      }
      log(`empty log: ready after ${(emptyStartMs / 1000).toFixed(2)} s (the process's own boot)`);
    }

    const kept = options.keepDir !== null && fs.existsSync(file) && fs.existsSync(path.join(dir, 'read-models.sqlite'));
    if (!kept) fs.copyFileSync(options.file, file);
    const logBytes = fs.statSync(file).size;
    const env = serverEnv(file, await freePort(), options.serverEnv);
    let coldStartMs = Number.NaN;
    if (kept) log(`--keep ${dir}: its read models are built already; no cold start`);
    else {
      log(`cold start on ${options.events} events (${dir}, no read-model file yet)`);
      server = startServer(env, nodeArgs);
      coldStartMs = await server.ready(3_600_000);
      log(`  ready after ${(coldStartMs / 1000).toFixed(1)} s; stopping it (SIGTERM)`);
      await server.stop();
      stderr += server.stderr();
      server = null;
    }

    let warmStartMs: number | null = null;
    let rssAfterStart: number | null = null;
    let mixed: ServerBenchResult['mixed'] = null;
    let load: ServerBenchResult['load'] = null;
    if (options.warm) {
      log('warm start on the same files');
      server = startServer(env, nodeArgs);
      warmStartMs = await server.ready(3_600_000);
      rssAfterStart = server.rss();
      log(`  ready after ${(warmStartMs / 1000).toFixed(2)} s, RSS ${(rssAfterStart / 1048576).toFixed(0)} MiB`);
      const s = server;

      const get = (p: string) => request(agent, s.base, 'GET', p, auditor);
      const first = await get('/api/initiatives?limit=1');
      const initiatives = Number(first.headers['x-total-count'] ?? 0);
      const bookings = Number((await get('/api/fund/ledger?limit=1')).headers['x-total-count'] ?? 0);
      const ids: string[] = [];
      for (let k = 0; k < 3; k++) {
        const page = await get(`/api/initiatives?limit=500&offset=${Math.floor(random() * Math.max(1, initiatives - 500))}`);
        ids.push(...(JSON.parse(page.body) as Array<{ id: string }>).map((i) => i.id));
      }
      if (ids.length === 0) throw new Error(`no initiatives listed (${first.status} ${first.body.slice(0, 300)})`);
      const kinds = readKinds(random, ids, initiatives, bookings);
      log(`  ${initiatives} initiatives, ${bookings} bookings; ${ids.length} ids to read`);

      if (options.mixed) {
        log(`${options.mixedReads} mixed reads, 8 at a time (at most ${MIXED_READS_CAP_MS / 1000} s)`);
        const t0 = performance.now();
        let next = 0;
        let failed = 0;
        let answered = 0;
        const worker = async (): Promise<void> => {
          for (let i = next++; i < options.mixedReads && performance.now() - t0 < MIXED_READS_CAP_MS; i = next++) {
            const kind = kinds[i % kinds.length]!;
            const answer = await get(kind.path()).catch(() => null);
            if (!answer || !(answer.status === 200 || (kind.allow404 && answer.status === 404))) failed++;
            answered++;
          }
        };
        await Promise.all(Array.from({ length: 8 }, worker));
        const reads = answered;
        mixed = { reads, failed, seconds: (performance.now() - t0) / 1000, rss: s.rss(), capped: reads < options.mixedReads };
        log(`  ${reads} reads in ${mixed.seconds.toFixed(1)} s, RSS ${(mixed.rss / 1048576).toFixed(0)} MiB`);
      }

      if (options.load) load = await runLoad(s, agent, kinds, options);
    }
    if (server) {
      await server.stop();
      stderr += server.stderr();
    }
    return { seed: options.seed, logBytes, emptyStartMs, coldStartMs, warmStartMs, rssAfterStart, mixed, load, stderr };
  } finally {
    agent.destroy();
    if (server) await server.kill9();
    if (options.keepDir === null) fs.rmSync(dir, { recursive: true, force: true });
  }
};

const runLoad = async (
  s: RunningServer,
  agent: http.Agent,
  kinds: ReadKind[],
  options: ServerBenchOptions,
): Promise<NonNullable<ServerBenchResult['load']>> => {
  const { log } = options;
  const auditor = { authorization: auditorAuthorization() };
  // A scrape resets prom-client's event-loop histogram: what the next scrape reports is the load's.
  await request(agent, s.base, 'GET', '/metrics', {});
  log(`load: ${options.connections} read connections + ${options.writers} writing, ${options.loadSeconds} s`);
  const latencies = kinds.map(() => [] as number[]);
  const failed = kinds.map(() => 0);
  const unfinished = kinds.map(() => 0);
  const samples = kinds.map(() => [] as string[]);
  const writeLatencies: number[] = [];
  const writeSamples: string[] = [];
  let writesFailed = 0;
  const inFlight = new Set<{ started: number; kind: number }>();
  const t0 = performance.now();
  const deadline = t0 + options.loadSeconds * 1000;
  let over = false;

  const reader = async (c: number): Promise<void> => {
    for (let n = c; !over; n++) {
      const k = n % kinds.length;
      const kind = kinds[k]!;
      const p = kind.path();
      const flight = { started: performance.now(), kind: k };
      inFlight.add(flight);
      try {
        const answer = await request(agent, s.base, 'GET', p, auditor);
        if (over && !inFlight.has(flight)) return;
        latencies[k]!.push(answer.ms);
        if (!(answer.status === 200 || (kind.allow404 && answer.status === 404))) {
          failed[k]!++;
          if (samples[k]!.length < 2) samples[k]!.push(`${answer.status} ${p}: ${answer.body.slice(0, 200)}`);
        }
      } catch (e) {
        if (over && !inFlight.has(flight)) return;
        failed[k]!++;
        if (samples[k]!.length < 2) samples[k]!.push(`no answer for ${p}: ${String(e)}`);
      } finally {
        inFlight.delete(flight);
      }
    }
  };

  const writer = async (w: number): Promise<void> => {
    const secretariat = { authorization: secretariatAuthorization() };
    const finance = { authorization: financeAuthorization() };
    const today = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const write = async (p: string, headers: Record<string, string>, body: unknown): Promise<string | null> => {
      try {
        const answer = await request(agent, s.base, 'POST', p, { ...headers, 'idempotency-key': randomUUID() }, JSON.stringify(body));
        writeLatencies.push(answer.ms);
        if (answer.status === 201 || answer.status === 200) return answer.body;
        writesFailed++;
        if (writeSamples.length < 3) writeSamples.push(`${answer.status} ${p}: ${answer.body.slice(0, 200)}`);
      } catch (e) {
        if (over) return null;
        writesFailed++;
        if (writeSamples.length < 3) writeSamples.push(`no answer for ${p}: ${String(e)}`);
      }
      return null;
    };
    for (let n = 0; !over; n++) {
      const proposed = await write('/api/initiatives', secretariat, {
        title: `Belastningsprov ${w}-${n}`,
        summary: 'Skrivs medan läsningarna mäts.',
        proposedBy: PARTY_IDS[n % PARTY_IDS.length],
        proposedOn: today,
        requestedAmountOre: 100_000_00,
        strategyLinks: [{ area: 'Höja kompetensen', goal: 'Hållbar arbetsmarknad' }],
      });
      if (proposed === null) continue;
      const id = (JSON.parse(proposed) as { id: string }).id;
      for (const party of PARTY_IDS) {
        if (over) return;
        await write(`/api/initiatives/${id}/decisions`, { authorization: clerkAuthorization(party) }, {
          party,
          outcome: 'approved',
          decidedOn: today,
          body: party === '17' ? 'regionfullmäktige' : 'kommunfullmäktige',
          minuteReference: `§ ${n + 1}`,
          caseNumber: `KS-${today.slice(0, 4)}/${w}${n}`,
        });
      }
      if (over) return;
      await write('/api/fund/deposits', finance, {
        amountOre: 1_000_00,
        source: 'Kommunalförbundet Region Värmland',
        bookedOn: today,
        reference: `BENCH-${w}-${n}-${randomUUID()}`,
      });
    }
  };

  const running = [
    ...Array.from({ length: options.connections }, (_, c) => reader(c)),
    ...Array.from({ length: options.writers }, (_, w) => writer(w)),
  ];
  await new Promise((r) => setTimeout(r, Math.max(0, deadline - performance.now())));
  over = true;
  const end = performance.now();
  // Unanswered reads count with the time they have waited (a lower bound), then are abandoned.
  for (const flight of inFlight) {
    latencies[flight.kind]!.push(end - flight.started);
    unfinished[flight.kind]!++;
  }
  inFlight.clear();
  const stillRunning = Promise.all(running);
  const settled = await Promise.race([stillRunning.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 5_000))]);
  if (!settled) agent.destroy();
  const metrics = await request(new http.Agent(), s.base, 'GET', '/metrics', {}, undefined, 600_000).catch(() => null);
  const seconds = (end - t0) / 1000;
  const eventLoopP99 = metrics ? metricValue(metrics.body, 'dgr_nodejs_eventloop_lag_p99_seconds') : null;
  const eventLoopMax = metrics ? metricValue(metrics.body, 'dgr_nodejs_eventloop_lag_max_seconds') : null;
  const rss = s.rss();
  const sortedWrites = [...writeLatencies].sort((a, b) => a - b);
  return {
    seconds,
    kinds: kinds.map((kind, k) => {
      const sorted = [...latencies[k]!].sort((a, b) => a - b);
      return {
        kind: kind.kind,
        example: kind.path().replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/, ':id'),
        count: sorted.length,
        failed: failed[k]!,
        unfinished: unfinished[k]!,
        p50Ms: percentile(sorted, 50),
        p99Ms: percentile(sorted, 99),
        maxMs: sorted.length ? sorted[sorted.length - 1]! : 0,
        samples: samples[k]!,
      };
    }),
    writes: writeLatencies.length,
    writesFailed,
    writeP99Ms: percentile(sortedWrites, 99),
    writeSamples,
    eventLoopP99Ms: eventLoopP99 === null ? null : eventLoopP99 * 1000,
    eventLoopMaxMs: eventLoopMax === null ? null : eventLoopMax * 1000,
    rss,
  };
};
