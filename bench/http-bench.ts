/**
 * Target 1: the rate of HTTP decision registrations of the real app against a bare Nest POST
 * endpoint, on this machine, in this run, with the same load generator.
 *
 * Processes. Each target runs in a child process of its own (fresh JIT and heap, nothing of the
 * other target left in it) and the load generator in another child; this process only sets up
 * and waits while a measurement runs. On 2 cores that is the fair arrangement: the server's
 * JavaScript and its synchronous SQLite commits run on one thread, the load generator on the other
 * core. A load generator inside the server's process would share that one thread, so every
 * request's client-side work (building it, parsing the answer) would be charged to the server's
 * event loop — a larger share of the bare endpoint's small cost than of the real one's, which
 * would push the ratio up and flatter the real app. The generator's and the server's CPU use are
 * reported, so a saturated generator would show.
 *
 * Rounds. Both targets are started, warmed up (the JIT of Nest, Express and the app needs a few
 * thousand requests before its rate settles: a short warm-up makes the bare endpoint look slow
 * and flatters the ratio), then measured in alternating rounds (bare, real, bare, real…), so that
 * a slow patch of this shared machine hits both; each target's rate is the median of its rounds.
 *
 * Requests. Decisions are sent party by party over all the initiatives (party 1 for initiatives
 * 1…200, then party 2, …), so the concurrent requests land on different initiative streams, as
 * when 17 parties register decisions on many initiatives at once. (Sending one initiative's 17
 * decisions back to back would make the in-flight requests queue on that stream's lock.)
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PARTY_IDS } from '@dgr/domain';
import { start, type Child } from './ipc';
import { window } from './machine';
import type { TargetMessage } from './http-target';
import type { LoadMessage, LoadRequest, LoadResult } from './load-generator';
import { clerkAuthorization, secretariatAuthorization } from './tokens';


const PROPOSED_ON = '2025-03-01';
const DECIDED_ON = '2025-04-15';

export interface HttpOptions {
  readonly connections: number;
  /** Initiatives per measured round (× 17 parties = the requests of a round). */
  readonly initiatives: number;
  readonly rounds: number;
  /** Initiatives whose 17 decisions are the warm-up. */
  readonly warmupInitiatives: number;
  /** Node options for the real app's process (`--server-node-options`), on its command line. */
  readonly serverNodeOptions?: string | null;
  /** Variables for the real app's configuration (`--server-env`), beside the bench's own. */
  readonly serverEnv?: Record<string, string>;
  readonly log: (line: string) => void;
}

export interface TargetRun {
  readonly name: string;
  readonly rounds: LoadResult[];
  /** The median of the rounds' rates (0 when any answer was not 201). */
  readonly requestsPerSecond: number;
  /** The round with the median rate. */
  readonly median: LoadResult;
  readonly warmup: LoadResult;
  /** Server process CPU during the measured rounds, as a share of one core. */
  readonly serverCpu: number;
  /** Load generator CPU during the measured rounds, as a share of one core. */
  readonly loadgenCpu: number;
  readonly failed: number;
  readonly notes: string[];
}

export interface HttpResult {
  readonly bare: TargetRun;
  readonly real: TargetRun;
  readonly ratio: number;
  /** Non-201 answers anywhere (warm-up included) make the measurement invalid. */
  readonly valid: boolean;
  readonly sqliteFile: string;
  /** CPU other processes used during the measured rounds, as a share of one core. */
  readonly foreignCpu: number;
}

export const proposalBody = (i: number): Record<string, unknown> => ({
  title: `Kompetensplattform Värmland ${i}`,
  summary: 'Gemensam plattform för kompetensförsörjning i hela länet.',
  proposedBy: PARTY_IDS[i % PARTY_IDS.length],
  proposedOn: PROPOSED_ON,
  requestedAmountOre: 500_000_000,
  strategyLinks: [{ area: 'Höja kompetensen', goal: 'Hållbar arbetsmarknad' }],
});

export const decisionBody = (party: string, i: number): string =>
  JSON.stringify({
    party,
    outcome: 'approved',
    decidedOn: DECIDED_ON,
    body: party === '17' ? 'regionfullmäktige' : 'kommunfullmäktige',
    minuteReference: `§ ${(i % 200) + 1}`,
    caseNumber: `KS-2025/${party}`,
  });

/** Every party's decision on every initiative, party-major (see the header comment). */
export const decisionRequests = (initiativeIds: readonly string[]): LoadRequest[] =>
  PARTY_IDS.flatMap((party) => {
    const authorization = clerkAuthorization(party);
    return initiativeIds.map((id, i) => ({ path: `/api/initiatives/${id}/decisions`, body: decisionBody(party, i), authorization }));
  });

const cpuUs = (m: { user: number; system: number }): number => m.user + m.system;

/** Proposes `count` initiatives over HTTP (setup, not measured) and returns their ids. */
const proposeAll = async (port: number, count: number): Promise<string[]> => {
  const ids: string[] = new Array(count);
  const authorization = secretariatAuthorization();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) {
      const res = await fetch(`http://127.0.0.1:${port}/api/initiatives`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify(proposalBody(i)),
      });
      const text = await res.text();
      if (res.status !== 201) throw new Error(`proposing initiative ${i}: ${res.status} ${text}`);
      ids[i] = (JSON.parse(text) as { id: string }).id;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return ids;
};

/** One target: its server process, its load generator, and its rounds. */
class Target {
  readonly server: Child<TargetMessage>;
  readonly loadgen = start<LoadMessage>('load-generator');
  port = 0;
  warmup: LoadResult | null = null;
  readonly rounds: LoadResult[] = [];
  serverCpuUs = 0;
  wallMs = 0;

  constructor(
    readonly name: string,
    args: string[],
    private readonly connections: number,
    execArgv: string[] = [],
  ) {
    this.server = start<TargetMessage>('http-target', args, execArgv);
  }

  async ready(): Promise<void> {
    this.port = (await this.server.next('ready')).port;
  }

  private async load(requests: LoadRequest[]): Promise<LoadResult> {
    this.loadgen.send({ kind: 'run', port: this.port, connections: this.connections, requests });
    return (await this.loadgen.next('result')).result;
  }

  async warm(requests: LoadRequest[]): Promise<void> {
    this.warmup = await this.load(requests);
  }

  async round(requests: LoadRequest[]): Promise<void> {
    this.server.send({ kind: 'cpu' });
    const before = cpuUs(await this.server.next('cpu'));
    const t0 = performance.now();
    this.rounds.push(await this.load(requests));
    this.server.send({ kind: 'cpu' });
    this.serverCpuUs += cpuUs(await this.server.next('cpu')) - before;
    this.wallMs += performance.now() - t0;
  }

  result(notes: string[] = []): TargetRun {
    const failed = this.rounds.reduce((n, r) => n + r.failed, this.warmup?.failed ?? 0);
    const byRate = [...this.rounds].sort((a, b) => a.requests / a.ms - b.requests / b.ms);
    const median = byRate[Math.floor(byRate.length / 2)]!;
    const measuredMs = this.rounds.reduce((n, r) => n + r.ms, 0);
    return {
      name: this.name,
      rounds: this.rounds,
      median,
      warmup: this.warmup!,
      requestsPerSecond: failed === 0 ? (median.requests / median.ms) * 1000 : 0,
      serverCpu: this.serverCpuUs / 1000 / this.wallMs,
      loadgenCpu: this.rounds.reduce((n, r) => n + r.cpuUs, 0) / 1000 / measuredMs,
      failed,
      notes: [...(this.warmup?.samples ?? []).map((s) => `warm-up: ${s}`), ...this.rounds.flatMap((r) => r.samples), ...notes],
    };
  }

  async stop(): Promise<void> {
    this.loadgen.send({ kind: 'stop' });
    this.server.send({ kind: 'stop' });
    await Promise.all([this.loadgen.exited(), this.server.exited()]);
  }
}

export const runHttpBench = async (options: HttpOptions): Promise<HttpResult> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dgr-bench-http-'));
  const sqliteFile = path.join(dir, 'dgr.sqlite');
  const bare = new Target('bare Nest POST', ['bare'], options.connections);
  const real = new Target(
    'real app',
    ['real', sqliteFile, JSON.stringify(options.serverEnv ?? {})],
    options.connections,
    options.serverNodeOptions?.split(/\s+/).filter(Boolean) ?? [],
  );
  try {
    await Promise.all([bare.ready(), real.ready()]);
    const proposals = options.warmupInitiatives + options.rounds * options.initiatives;
    options.log(`real app: proposing ${proposals} initiatives over HTTP (setup, not measured)`);
    const ids = await proposeAll(real.port, proposals);
    const fakeIds = (n: number): string[] => Array.from({ length: n }, () => randomUUID());

    const warmup = options.warmupInitiatives * PARTY_IDS.length;
    options.log(`warm-up: ${warmup} requests to each target`);
    await bare.warm(decisionRequests(fakeIds(options.warmupInitiatives)));
    await real.warm(decisionRequests(ids.slice(0, options.warmupInitiatives)));

    const measured = window();
    for (let r = 0; r < options.rounds; r++) {
      const first = options.warmupInitiatives + r * options.initiatives;
      options.log(`round ${r + 1}/${options.rounds}: ${options.initiatives * PARTY_IDS.length} requests to each target`);
      await bare.round(decisionRequests(fakeIds(options.initiatives)));
      await real.round(decisionRequests(ids.slice(first, first + options.initiatives)));
    }

    const ownCpuMs = [bare, real].reduce((n, t) => n + t.serverCpuUs / 1000 + t.rounds.reduce((m, l) => m + l.cpuUs / 1000, 0), 0);
    const foreignCpu = measured.foreignShare(ownCpuMs);

    // Every 201 really was recorded: the store's head is where it should be.
    const expected = proposals * (1 + PARTY_IDS.length);
    const { position } = (await (await fetch(`http://127.0.0.1:${real.port}/api/health`)).json()) as { position: number };
    const storeNote = position === expected ? [] : [`the store holds ${position} events, expected ${expected}`];
    const bareRun = bare.result();
    const realRun = real.result(storeNote);
    const valid = bareRun.failed === 0 && realRun.failed === 0 && storeNote.length === 0;
    return {
      bare: bareRun,
      real: realRun,
      ratio: valid ? realRun.requestsPerSecond / bareRun.requestsPerSecond : 0,
      valid,
      sqliteFile,
      foreignCpu,
    };
  } finally {
    await Promise.all([bare.stop(), real.stop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
};
