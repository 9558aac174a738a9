/**
 * Rules that hold across instances (issue 12, ADR 0010): three real API processes (`node dist/apps/api/src/main.js`,
 * as `npm start` runs it; `npm run build` first) on ONE SQLite file, and for every rule of the table in
 * docs/architecture.md the conflicting writes fired at different processes at the same moment, many times. Exactly
 * one of each pair is accepted where the rule allows only one; the other gets 409 or 422 as problem+json saying what
 * happened; and the final log keeps every rule (`checkRules`, the scan of `dgr verify`).
 *
 * The races are seeded: the seed is printed, and `DGR_RACE_SEED=<seed>` runs the same choice of processes and
 * delays again (the processes' own timing still varies).
 *
 * Runtime: 8–23 s (jest's own figure, depending on the load) on the shared 2-core machine it was written on; the processes boot
 * in ~6 s, the 140 races and the log scans take the rest.
 *
 * Each rule's test was seen to fail with its log check removed (in dist/, the StreamWriter's expected revision of
 * the grant's reservation, or of the decided stream, replaced by 'any').
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkRules } from '@dgr/application';
import { availableOre, foldFund, FUND_STREAM, type FundEvent } from '@dgr/domain';
import { SqliteEventStore, type NewEvent } from '@dgr/event-store';
import { PARTY_IDS, TEST_SECRET, tokenFor } from './support/http-app';

const ROOT = path.join(__dirname, '..');
const SERVER = path.join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js');
const SEED = Number(process.env.DGR_RACE_SEED ?? Math.floor(Math.random() * 2 ** 31));
// eslint-disable-next-line no-console
console.log(`multi-process races: DGR_RACE_SEED=${SEED}`);

jest.setTimeout(120_000);

/** mulberry32: a small seeded generator, so that a failing run can be repeated. */
const random = ((seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
})(SEED);

const GRANT_VS_CANCEL = 50;
const OTHER_RACES = 15;

// ---------------------------------------------------------------------------------------------
// The log before the races: written straight through the store, so that setting up 200 initiatives
// takes a moment, not thousands of requests.
// ---------------------------------------------------------------------------------------------

let nextId = 0;
const uuid = (): string => `00000000-0000-4000-8000-${String(++nextId).padStart(12, '0')}`;
const ev = (type: string, data: unknown): NewEvent => ({
  id: uuid(),
  type,
  data,
  metadata: { recordedAt: '2024-06-01T08:00:00.000Z', correlationId: 'setup', causationId: null, schemaVersion: 1, actor: null },
});

const REQUESTED = 100_000_000;
const GRANT = 1_000_000;

const proposedEvent = (initiativeId: string) =>
  ev('InitiativeProposed', {
    initiativeId,
    title: `Initiativ ${initiativeId.slice(-4)}`,
    summary: 'För loppen mellan instanser.',
    proposedBy: '1780',
    proposedOn: '2024-02-01',
    requestedAmountOre: REQUESTED,
    strategyLinks: [],
    transportProgramme: false,
    coFinancing: [],
    decisionDeadline: '2024-12-31',
  });

const approved = (initiativeId: string, party: string) =>
  ev('PartyDecisionRegistered', {
    initiativeId,
    party,
    outcome: 'approved',
    decidedOn: '2024-04-15',
    body: party === '17' ? 'regionfullmäktige' : 'kommunfullmäktige',
    minuteReference: '§ 42',
    caseNumber: null,
    registeredAt: '2024-04-16T08:00:00.000Z',
    minutesApprovedOn: null,
    noticePostedOn: null,
  });

interface Setup {
  consensus: string[];
  forCorrection: string[];
  forAppeal: string[];
  withoutKarlstad: string[];
  granted: string[];
  forTwoGrants: string[];
}

const seedLog = async (file: string): Promise<Setup> => {
  const store = new SqliteEventStore(file);
  const fund: NewEvent[] = [ev('FundDeposited', { amountOre: 200_000_000, source: 'Region Värmland', bookedOn: '2001-01-10', reference: 'VER-1' })];
  const initiative = async (parties: readonly string[], extra: (id: string) => NewEvent[] = () => []): Promise<string> => {
    const id = uuid();
    await store.append(`initiative-${id}`, [proposedEvent(id), ...parties.map((p) => approved(id, p)), ...extra(id)], 'no_stream');
    return id;
  };
  const many = async (n: number, parties: readonly string[], extra?: (id: string) => NewEvent[]) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push(await initiative(parties, extra));
    return ids;
  };
  const setup: Setup = {
    consensus: await many(GRANT_VS_CANCEL, PARTY_IDS),
    forCorrection: await many(OTHER_RACES, PARTY_IDS),
    forAppeal: await many(OTHER_RACES, PARTY_IDS, (id) => [
      ev('AppealLodged', { initiativeId: id, party: '1715', court: 'Förvaltningsrätten i Karlstad', caseNumber: '100-24', lodgedOn: '2024-05-01' }),
    ]),
    withoutKarlstad: await many(OTHER_RACES, PARTY_IDS.filter((p) => p !== '1780')),
    granted: await many(OTHER_RACES, PARTY_IDS),
    forTwoGrants: await many(2 * OTHER_RACES, PARTY_IDS),
  };
  for (const id of setup.granted) fund.push(ev('GrantAwarded', { initiativeId: id, amountOre: GRANT, decidedOn: '2024-06-01', reference: 'RS 2024/1' }));
  await store.append('fund-dgr', fund, 'no_stream');
  await store.close();
  return setup;
};

// ---------------------------------------------------------------------------------------------
// The processes
// ---------------------------------------------------------------------------------------------

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

interface Instance {
  child: ChildProcess;
  base: string;
  /** What it has written to stdout and stderr so far. */
  output: () => string;
}

/**
 * An instance with the defaults an operator gets: no DGR_READ_MODEL_FILE, so all of them find the same default
 * read-model file beside the log, and each takes a slot of its own (ADR 0020).
 */
const spawnProcess = async (file: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; port: number; output: () => string }> => {
  const port = await freePort();
  const child = spawn(process.execPath, [SERVER], {
    cwd: ROOT,
    env: { ...process.env, DGR_READ_MODEL_FILE: undefined, PORT: String(port), DGR_SQLITE_FILE: file, DGR_JWT_SECRET: TEST_SECRET, DGR_RATE_LIMIT_PER_MINUTE: '0', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return { child, port, output: () => out };
};

const startProcess = async (file: string): Promise<Instance> => {
  const { child, port, output } = await spawnProcess(file);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`process on port ${port} did not start:\n${output()}`)), 60_000);
    const onData = () => {
      if (/Listening on http/.test(output())) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`exited with ${code}:\n${output()}`)));
  });
  return { child, base: `http://127.0.0.1:${port}`, output };
};

let dir: string;
let file: string;
let setup: Setup;
let processes: Instance[] = [];

beforeAll(async () => {
  if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run npm run build before this suite.`);
  dir = mkdtempSync(path.join(tmpdir(), 'dgr-multi-'));
  file = path.join(dir, 'dgr.sqlite');
  setup = await seedLog(file);
  processes = await Promise.all([startProcess(file), startProcess(file), startProcess(file)]);
});

afterAll(async () => {
  await Promise.all(
    processes.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.on('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Racing two requests at two different processes
// ---------------------------------------------------------------------------------------------

interface Answer {
  status: number;
  contentType: string;
  body: { code?: string; detail?: string; title?: string; position?: number };
}

interface Request {
  path: string;
  body?: unknown;
  token: string;
}

const send = async (base: string, r: Request): Promise<Answer> => {
  const res = await fetch(base + r.path, {
    method: 'POST',
    headers: { authorization: `Bearer ${r.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(r.body ?? {}),
  });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: (await res.json()) as Answer['body'] };
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Both requests at once, each at its own process (chosen by the seed), each after a seeded delay of 0–2 ms. */
const race = async (a: Request, b: Request): Promise<[Answer, Answer]> => {
  const first = Math.floor(random() * processes.length);
  const second = (first + 1 + Math.floor(random() * (processes.length - 1))) % processes.length;
  const delays = [Math.floor(random() * 3), Math.floor(random() * 3)];
  const go = async (r: Request, at: number, delay: number) => {
    if (delay > 0) await pause(delay);
    return send(processes[at]!.base, r);
  };
  return Promise.all([go(a, first, delays[0]!), go(b, second, delays[1]!)]);
};

/** A refused write: 409 or 422 as problem+json that says what happened. */
const expectRefused = (answer: Answer): void => {
  expect([409, 422]).toContain(answer.status);
  expect(answer.contentType).toMatch(/^application\/problem\+json/);
  expect(answer.body.detail).toEqual(expect.any(String));
  expect(answer.body.code).toEqual(expect.any(String));
};

/** Exactly one accepted (201), the other refused. */
const expectExactlyOne = ([a, b]: [Answer, Answer]): 'first' | 'second' => {
  const accepted = [a, b].filter((x) => x.status === 201);
  if (accepted.length !== 1) throw new Error(`expected exactly one accepted, got ${a.status} ${JSON.stringify(a.body)} and ${b.status} ${JSON.stringify(b.body)}`);
  expectRefused(a.status === 201 ? b : a);
  return a.status === 201 ? 'first' : 'second';
};

const finance = tokenFor('finance');
const secretariat = tokenFor('secretariat');
const clerk = (party: string) => tokenFor('clerk', party);

const grant = (id: string, amountOre = GRANT): Request => ({
  path: `/api/initiatives/${id}/grant`,
  body: { amountOre, decidedOn: '2024-06-01', reference: 'RS 2024/99' },
  token: finance,
});

const readLog = async () => {
  const store = new SqliteEventStore(file);
  try {
    return await store.readAll(0, 1_000_000);
  } finally {
    await store.close();
  }
};

/** The rule scan of `dgr verify` over the log as it is now, for the initiatives a test raced on (and the fund's own rules). */
const expectLogKeepsRulesFor = async (ids: readonly string[]): Promise<void> => {
  const mine = new Set(ids);
  expect(checkRules(await readLog()).filter((v) => v.initiativeId === null || mine.has(v.initiativeId))).toEqual([]);
};

// ---------------------------------------------------------------------------------------------
// The rules
// ---------------------------------------------------------------------------------------------

describe(`every cross-stream rule across three processes on one SQLite file (seed ${SEED})`, () => {
  it(`grant vs cancellation, ${GRANT_VS_CANCEL} races: never both accepted, never neither`, async () => {
    const winners = { grant: 0, cancellation: 0 };
    for (const id of setup.consensus) {
      const answers = await race(grant(id), {
        path: `/api/initiatives/${id}/cancellation`,
        body: { reason: 'Förslagsställaren drar tillbaka initiativet.', cancelledOn: '2024-06-01' },
        token: secretariat,
      });
      const winner = expectExactlyOne(answers);
      winners[winner === 'first' ? 'grant' : 'cancellation'] += 1;
      const loser = winner === 'first' ? answers[1] : answers[0];
      // The loser says why: the other write was there first (or, on a lost race three times over, 409).
      if (loser.status === 422) expect(loser.body.code).toBe(winner === 'first' ? 'initiative-already-granted' : 'initiative-cancelled');
    }
    await expectLogKeepsRulesFor(setup.consensus);
    // eslint-disable-next-line no-console
    console.log(`grant vs cancellation: ${winners.grant} grants and ${winners.cancellation} cancellations won`);
  });

  it('grant vs a correction that takes the consensus away: the grant never lands after it', async () => {
    let grants = 0;
    for (const id of setup.forCorrection) {
      const [g, c] = await race(grant(id), {
        path: `/api/initiatives/${id}/decisions/1715/correction`,
        body: { outcome: 'rejected', decidedOn: '2024-04-15', body: 'kommunfullmäktige', minuteReference: '§ 42', reason: 'Fel beslut registrerades.' },
        token: clerk('1715'),
      });
      // A correction after a grant is allowed (it fixes the record); a grant after the correction is not.
      expect(c.status).toBe(201);
      if (g.status !== 201) expectRefused(g);
      else grants += 1;
    }
    await expectLogKeepsRulesFor(setup.forCorrection);
    // eslint-disable-next-line no-console
    console.log(`grant vs correction: the grant came first ${grants} times of ${OTHER_RACES}`);
  });

  it('grant vs an appeal that annuls a decision: the grant never lands after it', async () => {
    let grants = 0;
    for (const id of setup.forAppeal) {
      const [g, a] = await race(grant(id), {
        path: `/api/initiatives/${id}/decisions/1715/appeals/100-24/decision`,
        body: { outcome: 'annulled', decidedOn: '2024-05-20' },
        token: secretariat,
      });
      expect(a.status).toBe(201);
      if (g.status !== 201) expectRefused(g);
      else grants += 1;
    }
    await expectLogKeepsRulesFor(setup.forAppeal);
    // eslint-disable-next-line no-console
    console.log(`grant vs annulment: the grant came first ${grants} times of ${OTHER_RACES}`);
  });

  it('two registrations of the same party’s decision: one accepted, the other 409', async () => {
    for (const id of setup.withoutKarlstad) {
      const register = { path: `/api/initiatives/${id}/decisions`, body: { party: '1780', outcome: 'approved', decidedOn: '2024-04-15', body: 'kommunfullmäktige', minuteReference: '§ 7' }, token: clerk('1780') };
      expectExactlyOne(await race(register, { ...register }));
    }
    await expectLogKeepsRulesFor(setup.withoutKarlstad);
  });

  it('two payouts that together exceed the grant: one accepted, the other refused', async () => {
    for (const id of setup.granted) {
      const payout = { path: '/api/fund/withdrawals', body: { initiativeId: id, amountOre: GRANT, bookedOn: '2024-06-02', reference: 'UTB-1' }, token: finance };
      expectExactlyOne(await race(payout, { ...payout }));
    }
    await expectLogKeepsRulesFor(setup.granted);
  });

  it('two grants that together exceed what is available: one accepted, the other refused', async () => {
    for (let i = 0; i < OTHER_RACES; i++) {
      // What is available now, from the log itself (a process's read models may be a poll behind the others').
      const fund = foldFund((await readLog()).filter((e) => e.stream === FUND_STREAM) as unknown as FundEvent[]);
      const amount = Math.floor(availableOre(fund) / 2) + 1;
      expectExactlyOne(await race(grant(setup.forTwoGrants[2 * i]!, amount), grant(setup.forTwoGrants[2 * i + 1]!, amount)));
    }
    await expectLogKeepsRulesFor(setup.forTwoGrants);
  });

  it('closing a year vs a booking dated in it: the booking never lands after the close', async () => {
    for (let i = 0; i < OTHER_RACES; i++) {
      const year = 2001 + i;
      const [close, deposit] = await race(
        { path: `/api/fund/years/${year}/close`, token: finance },
        { path: '/api/fund/deposits', body: { amountOre: 100, source: 'Region Värmland', bookedOn: `${year}-06-01`, reference: `VER-${year}` }, token: finance },
      );
      expect(close.status).toBe(201);
      if (deposit.status !== 201) expectRefused(deposit);
    }
    await expectLogKeepsRulesFor([]);
  });

  it('the final log keeps every rule (the scan of dgr verify)', async () => {
    const log = await readLog();
    expect(checkRules(log)).toEqual([]);
    // The races really ran: every grant-vs-cancellation initiative ended granted or cancelled, never both.
    const cancelled = new Set(log.filter((e) => e.type === 'InitiativeCancelled').map((e) => (e.data as { initiativeId: string }).initiativeId));
    const grantedIds = new Set(log.filter((e) => e.type === 'GrantAwarded').map((e) => (e.data as { initiativeId: string }).initiativeId));
    for (const id of setup.consensus) expect(Number(cancelled.has(id)) + Number(grantedIds.has(id))).toBe(1);
  });
});

describe('three instances with the defaults on one log (ADR 0020): one read-model file each, no contention', () => {
  it('each took its own slot beside the default file, held by its lock, and the two later ones said so in their log', () => {
    for (const name of ['read-models.sqlite', 'read-models.2.sqlite', 'read-models.3.sqlite']) {
      expect(existsSync(path.join(dir, name))).toBe(true);
      expect(existsSync(path.join(dir, `${name}.lock`))).toBe(true);
    }
    expect(existsSync(path.join(dir, 'read-models.4.sqlite'))).toBe(false);
    const said = processes.map((p) => /is in use by another process \(another instance on this log\): this one uses slot (\d)/.exec(p.output())?.[1] ?? '1').sort();
    expect(said).toEqual(['1', '2', '3']);
  });

  it('after the races every instance is ready and reads the whole log: none stopped on another’s lock (503)', async () => {
    const head = (await readLog()).length;
    for (const p of processes) {
      expect((await fetch(`${p.base}/api/health/ready`)).status).toBe(200);
      // Another instance's last writes reach this one at its next poll of the log.
      let position = 0;
      for (let i = 0; i < 100 && position < head; i++) {
        if (i > 0) await pause(50);
        const metrics = await (await fetch(`${p.base}/metrics`)).text();
        position = Number(/^dgr_read_models_position (\d+)$/m.exec(metrics)?.[1] ?? 0);
      }
      expect(position).toBe(head);
      expect(p.output()).not.toMatch(/database is locked|SQLITE_BUSY/);
    }
  });

  it('a fourth instance told to use a file another one holds (DGR_READ_MODEL_FILE) does not start, and says why', async () => {
    const { child, output } = await spawnProcess(file, { DGR_READ_MODEL_FILE: path.join(dir, 'read-models.2.sqlite') });
    const code = await new Promise<number | null>((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      child.on('exit', (c) => resolve(c));
    });
    expect(code).toBe(2);
    expect(output()).toMatch(/Configuration error: DGR_READ_MODEL_FILE: .*read-models\.2\.sqlite is in use by another process/);
    expect(output()).not.toMatch(/Listening on/);
  });
});
