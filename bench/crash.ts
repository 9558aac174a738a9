/**
 * `npm run test:crash [-- --kills N --clients N --seed N --initiatives N | --quick]`: the kill -9 harness.
 *
 * The built server (dist/) on a SQLite log in a fresh folder. Several clients (--clients, 6) send writes
 * concurrently — proposals, every party's decision on each initiative (party by party, in a seeded random
 * order) and deposits into the fund — each with an Idempotency-Key, one write at a time per client. At seeded
 * random moments the server is killed with SIGKILL (--kills N times), and restarted. A write whose answer was
 * lost (the connection died) is sent again after the restart with the SAME key and body, as a client would.
 *
 * After every restart, with the clients held back (nothing being written), it checks:
 *   (a) every write that got a 2xx answer is in the log exactly once, and no write is there twice: the log
 *       (the SQLite file, read-only) is searched for each write's own mark (the proposal's title, the
 *       decision's initiative and party, the deposit's reference);
 *   (b) the log verifies: `dgr verify` exits 0;
 *   (c) the read models equal a rebuild from the log: `dgr rebuild --check` when the CLI has that command;
 *       until then (and as well, with --compare-api) the API's answers — the fund, its years, the list of
 *       all initiatives and each initiative — against a fresh server started on a COPY of the log with no
 *       read-model file: a true rebuild.
 * At the end every write is answered and the checks run once more. Exit 1 on any problem, naming it;
 * the seed is printed so that a failing run can be repeated.
 *
 * --quick (3 kills, 3 clients, 6 initiatives): what test/crash.e2e-spec.ts runs, so CI exercises the harness.
 */
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { PARTY_IDS } from '@dgr/domain';
import { CLI_JS, freePort, request, requireBuilt, serverEnv, startServer, type RunningServer } from './built-server';
import { seeded } from './server-bench';
import { auditorAuthorization, clerkAuthorization, financeAuthorization, secretariatAuthorization } from './tokens';

const run = promisify(execFile);

export interface CrashOptions {
  readonly kills: number;
  readonly clients: number;
  readonly initiatives: number;
  readonly seed: number;
  /** Each kill comes this many ms (uniformly at random, from the seed) after the clients were let go. */
  readonly minRunMs: number;
  readonly maxRunMs: number;
  /** Compare the API with a fresh server on a copy even when `dgr rebuild --check` exists. */
  readonly compareApi: boolean;
  readonly log: (line: string) => void;
}

export interface CrashReport {
  readonly seed: number;
  readonly kills: number;
  readonly writes: number;
  readonly acknowledged: number;
  /** Writes sent again after a kill (their first answer was lost). */
  readonly retried: number;
  /** 409 idempotency-key-in-progress answers to those (a dead instance's claim, until it is abandoned). */
  readonly inProgressAnswers: number;
  readonly checks: number;
  readonly rebuildCheck: 'dgr rebuild --check' | 'API vs a fresh server on a copy' | 'both';
  readonly problems: string[];
}

interface Write {
  readonly n: number;
  readonly kind: 'propose' | 'decide' | 'deposit';
  readonly path: () => string;
  readonly body: string;
  readonly authorization: string;
  readonly key: string;
  /** How the write is found in the log. */
  readonly mark: () => string;
  /** For a decision: the proposal it needs (its id comes from that answer). */
  readonly needs?: Write;
  id?: string;
  acked: boolean;
  sent: number;
}

export const QUICK: Pick<CrashOptions, 'kills' | 'clients' | 'initiatives' | 'minRunMs' | 'maxRunMs'> = {
  kills: 3,
  clients: 3,
  initiatives: 12,
  minRunMs: 150,
  maxRunMs: 900,
};

const yesterday = (): string => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

/** Marks in the log: a proposal by its title, a decision by initiative and party, a deposit by its reference. */
const marksInLog = (file: string): Map<string, number> => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const counts = new Map<string, number>();
    const rows = db
      .prepare<[], { type: string; data: string }>(
        "SELECT type, data FROM events WHERE type IN ('InitiativeProposed', 'PartyDecisionRegistered', 'FundDeposited') ORDER BY position",
      )
      .all();
    for (const row of rows) {
      const data = JSON.parse(row.data) as Record<string, string>;
      const mark =
        row.type === 'InitiativeProposed'
          ? `propose ${data.title}`
          : row.type === 'PartyDecisionRegistered'
            ? `decide ${data.initiativeId} ${data.party}`
            : `deposit ${data.reference}`;
      counts.set(mark, (counts.get(mark) ?? 0) + 1);
    }
    return counts;
  } finally {
    db.close();
  }
};

/** Every answer the read side gives for the whole state, by URL: what a rebuild must reproduce. */
const readAll = async (base: string, agent: http.Agent): Promise<Map<string, string>> => {
  const auditor = { authorization: auditorAuthorization() };
  const answers = new Map<string, string>();
  const get = async (p: string): Promise<string> => {
    const a = await request(agent, base, 'GET', p, auditor);
    if (a.status !== 200) throw new Error(`GET ${p}: ${a.status} ${a.body.slice(0, 300)}`);
    answers.set(p, a.body);
    return a.body;
  };
  await get('/api/fund');
  await get('/api/fund/years');
  await get('/api/fund/ledger?limit=1000');
  const ids: string[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = JSON.parse(await get(`/api/initiatives?limit=1000&offset=${offset}`)) as Array<{ id: string }>;
    ids.push(...page.map((i) => i.id));
    if (page.length < 1000) break;
  }
  for (const id of ids) await get(`/api/initiatives/${id}`);
  return answers;
};

export const runCrashHarness = async (options: CrashOptions): Promise<CrashReport> => {
  requireBuilt();
  const { log } = options;
  const random = seeded(options.seed);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dgr-crash-'));
  const file = path.join(dir, 'dgr.sqlite');
  const env = serverEnv(file, await freePort());
  const problems: string[] = [];
  let checks = 0;
  let kills = 0;
  let retried = 0;
  let inProgressAnswers = 0;
  let server: RunningServer | null = null;
  let agent = new http.Agent({ keepAlive: true, maxSockets: options.clients + 4 });

  // The writes: for each initiative its proposal, then the 17 decisions of all initiatives in a random order
  // (a decision waits until its proposal is answered), and a deposit after every tenth write.
  const today = yesterday();
  const writes: Write[] = [];
  const add = (w: Omit<Write, 'n' | 'key' | 'acked' | 'sent'>): Write => {
    const write: Write = { ...w, n: writes.length, key: randomUUID(), acked: false, sent: 0 };
    writes.push(write);
    return write;
  };
  const proposals = Array.from({ length: options.initiatives }, (_, i) => {
    const title = `Krasch-prov ${options.seed}-${i}`;
    return add({
      kind: 'propose',
      path: () => '/api/initiatives',
      body: JSON.stringify({
        title,
        summary: 'Skrivs medan servern dödas.',
        proposedBy: PARTY_IDS[i % PARTY_IDS.length],
        proposedOn: today,
        requestedAmountOre: 100_000_00,
        strategyLinks: [{ area: 'Höja kompetensen', goal: 'Hållbar arbetsmarknad' }],
      }),
      authorization: secretariatAuthorization(),
      mark: () => `propose ${title}`,
    });
  });
  const decisions = proposals.flatMap((p) => PARTY_IDS.map((party) => ({ p, party, order: random() })));
  decisions.sort((a, b) => a.order - b.order);
  decisions.forEach(({ p, party }, k) => {
    const decision: Omit<Write, 'n' | 'key' | 'acked' | 'sent'> = {
      kind: 'decide',
      needs: p,
      path: () => `/api/initiatives/${p.id!}/decisions`,
      body: JSON.stringify({
        party,
        outcome: 'approved',
        decidedOn: today,
        body: party === '17' ? 'regionfullmäktige' : 'kommunfullmäktige',
        minuteReference: `§ ${k + 1}`,
        caseNumber: `KS-${today.slice(0, 4)}/${k + 1}`,
      }),
      authorization: clerkAuthorization(party),
      mark: () => `decide ${p.id!} ${party}`,
    };
    add(decision);
    if (k % 10 === 0) {
      const reference = `KRASCH-${options.seed}-${k}`;
      add({
        kind: 'deposit',
        path: () => '/api/fund/deposits',
        body: JSON.stringify({ amountOre: 1_000_00 + k, source: 'Kommunalförbundet Region Värmland', bookedOn: today, reference }),
        authorization: financeAuthorization(),
        mark: () => `deposit ${reference}`,
      });
    }
  });

  // The clients: each takes the next write whose proposal is answered, sends it until it has an answer.
  let up = false;
  const wake: Array<() => void> = [];
  const whenUp = (): Promise<void> => (up ? Promise.resolve() : new Promise((r) => wake.push(r)));
  const pending = new Set(writes);
  const failedWrites: string[] = [];
  const takeNext = (): Write | null => {
    for (const w of pending) if (!w.needs || w.needs.acked) {
      pending.delete(w);
      return w;
    }
    return null;
  };
  const sendUntilAnswered = async (w: Write): Promise<void> => {
    for (;;) {
      await whenUp();
      w.sent++;
      if (w.sent > 1) retried++;
      try {
        const a = await request(agent, server!.base, 'POST', w.path(), { authorization: w.authorization, 'idempotency-key': w.key }, w.body, 30_000);
        if (a.status >= 200 && a.status < 300) {
          w.acked = true;
          if (w.kind === 'propose') w.id = (JSON.parse(a.body) as { id: string }).id;
          return;
        }
        if (a.status >= 500) {
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        if (a.status === 409 && a.body.includes('idempotency-key-in-progress')) {
          // The killed instance had claimed the key and never answered: the claim counts as in progress until it
          // is abandoned (ADR 0005: 60 s). As a client should, wait (Retry-After, else 1 s) and send it again.
          inProgressAnswers++;
          const seconds = Number(a.headers['retry-after']);
          await new Promise((r) => setTimeout(r, Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000));
          continue;
        }
        failedWrites.push(`write ${w.n} (${w.kind}, sent ${w.sent}×): ${a.status} ${a.body.slice(0, 300)}`);
        return;
      } catch {
        // The connection died (a kill): send it again, same key, when the server is back.
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  const client = async (): Promise<void> => {
    while (pending.size > 0) {
      const w = takeNext();
      if (!w) {
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      await sendUntilAnswered(w);
    }
  };

  let rebuildCommand: boolean | null = null;
  const check = async (when: string): Promise<void> => {
    checks++;
    const before = problems.length;
    // (a) exactly once.
    const marks = marksInLog(file);
    for (const w of writes) {
      if (w.kind === 'decide' && !w.needs!.id) continue;
      const n = marks.get(w.mark()) ?? 0;
      if (w.acked && n !== 1) problems.push(`${when}: write ${w.n} (${w.kind}) was answered 2xx but is in the log ${n} times`);
      if (!w.acked && n > 1) problems.push(`${when}: write ${w.n} (${w.kind}) is in the log ${n} times`);
    }
    // (b) the log verifies.
    try {
      await run(process.execPath, [CLI_JS, 'verify', '--file', file], { env, maxBuffer: 16 * 1024 * 1024 });
    } catch (e) {
      const { stdout, stderr } = e as { stdout?: string; stderr?: string };
      problems.push(`${when}: dgr verify failed: ${String(stderr ?? '').slice(-1000)} ${String(stdout ?? '').slice(-1000)}`);
    }
    // (c) the read models equal a rebuild.
    if (rebuildCommand === null) {
      const { stdout } = await run(process.execPath, [CLI_JS, 'help'], { env });
      rebuildCommand = /dgr rebuild[^\n]*--check(?![\w-])/.test(stdout);
      log(`read models vs a rebuild: ${rebuildCommand ? 'dgr rebuild --check' : 'the API against a fresh server on a copy of the log (no dgr rebuild --check here)'}`);
    }
    if (rebuildCommand)
      try {
        await run(process.execPath, [CLI_JS, 'rebuild', '--check', '--file', file], { env, maxBuffer: 16 * 1024 * 1024 });
      } catch (e) {
        const { stdout, stderr } = e as { stdout?: string; stderr?: string };
        problems.push(`${when}: dgr rebuild --check: the read models differ from a rebuild: ${String(stdout ?? '').slice(-1000)} ${String(stderr ?? '').slice(-1000)}`);
      }
    if (!rebuildCommand || options.compareApi) await compareWithCopy(when);
    log(`${when}: checked (${problems.length === before ? 'ok' : `${problems.length - before} problem(s)`})`);
  };
  const compareWithCopy = async (when: string): Promise<void> => {
    const copyDir = fs.mkdtempSync(path.join(dir, 'copy-'));
    const copy = path.join(copyDir, 'dgr.sqlite');
    const source = new Database(file, { readonly: true, fileMustExist: true });
    try {
      await source.backup(copy);
    } finally {
      source.close();
    }
    const fresh = startServer(serverEnv(copy, await freePort()));
    const freshAgent = new http.Agent({ keepAlive: true });
    try {
      await fresh.ready(300_000);
      const [ours, theirs] = [await readAll(server!.base, agent), await readAll(fresh.base, freshAgent)];
      const urls = new Set([...ours.keys(), ...theirs.keys()]);
      const differing = [...urls].filter((u) => ours.get(u) !== theirs.get(u));
      if (differing.length > 0)
        problems.push(
          `${when}: ${differing.length} of ${urls.size} answers differ from a fresh server's on a copy of the log, e.g. ${differing[0]}:\n` +
            `  restarted: ${String(ours.get(differing[0]!)).slice(0, 400)}\n  fresh:     ${String(theirs.get(differing[0]!)).slice(0, 400)}`,
        );
    } finally {
      freshAgent.destroy();
      await fresh.stop();
      fs.rmSync(copyDir, { recursive: true, force: true });
    }
  };

  const bringUp = async (): Promise<void> => {
    server = startServer(env);
    await server.ready(300_000);
  };
  const letGo = (): void => {
    up = true;
    for (const w of wake.splice(0)) w();
  };

  try {
    log(`seed ${options.seed}: ${writes.length} writes from ${options.clients} clients, ${options.kills} kills, in ${dir}`);
    await bringUp();
    letGo();
    const clients = Array.from({ length: options.clients }, client);
    for (let k = 1; k <= options.kills && pending.size > 0; k++) {
      const after = options.minRunMs + random() * (options.maxRunMs - options.minRunMs);
      await new Promise((r) => setTimeout(r, after));
      up = false;
      await server!.kill9();
      kills++;
      agent.destroy();
      agent = new http.Agent({ keepAlive: true, maxSockets: options.clients + 4 });
      const answered = writes.filter((w) => w.acked).length;
      log(`kill ${k}/${options.kills} (kill -9 after ${Math.round(after)} ms): ${answered} writes answered so far`);
      await bringUp();
      await check(`after kill ${k}`);
      letGo();
    }
    await Promise.all(clients);
    await check('at the end');
    for (const w of writes) if (!w.acked) problems.push(`write ${w.n} (${w.kind}) never got a 2xx answer`);
    problems.push(...failedWrites);
    await server!.stop();
    const stderr = (server as RunningServer | null)?.stderr().trim() ?? '';
    if (problems.length > 0 && stderr) problems.push(`the server's standard error: ${stderr.slice(-1500)}`);
    return {
      seed: options.seed,
      kills,
      writes: writes.length,
      acknowledged: writes.filter((w) => w.acked).length,
      retried,
      inProgressAnswers,
      checks,
      rebuildCheck: rebuildCommand ? (options.compareApi ? 'both' : 'dgr rebuild --check') : 'API vs a fresh server on a copy',
      problems,
    };
  } finally {
    up = true;
    agent.destroy();
    if (server) await (server as RunningServer).kill9();
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

const numberArg = (argv: readonly string[], flag: string): number | undefined => {
  const at = argv.indexOf(flag);
  if (at < 0) return undefined;
  const n = Number(argv[at + 1]);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${flag} needs a whole number, got ${String(argv[at + 1])}`);
  return n;
};

if (require.main === module) {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const options: CrashOptions = {
    ...(quick ? QUICK : { kills: 20, clients: 6, initiatives: 40, minRunMs: 200, maxRunMs: 3000 }),
    seed: Math.floor(Math.random() * 2 ** 31),
    compareApi: argv.includes('--compare-api'),
    log: (line) => void process.stderr.write(`  · ${line}\n`),
  };
  const o = options as { -readonly [K in keyof CrashOptions]: CrashOptions[K] };
  o.kills = numberArg(argv, '--kills') ?? o.kills;
  o.clients = numberArg(argv, '--clients') ?? o.clients;
  o.initiatives = numberArg(argv, '--initiatives') ?? o.initiatives;
  o.seed = numberArg(argv, '--seed') ?? o.seed;
  process.stdout.write(`crash harness: seed ${o.seed} (repeat with --seed ${o.seed})\n`);
  runCrashHarness(options).then(
    (r) => {
      process.stdout.write(
        `${r.kills} kills, ${r.writes} writes (${r.acknowledged} answered 2xx, ${r.retried} sends again after a kill or a 409 ` +
          `idempotency-key-in-progress, ${r.inProgressAnswers} of those 409s), ` +
          `${r.checks} checks; read models vs rebuild: ${r.rebuildCheck}\n`,
      );
      for (const p of r.problems) process.stdout.write(`PROBLEM ${p}\n`);
      process.stdout.write(r.problems.length === 0 ? 'PASS\n' : `FAIL (${r.problems.length} problems; seed ${r.seed})\n`);
      process.exitCode = r.problems.length === 0 ? 0 : 1;
    },
    (e: unknown) => {
      process.stderr.write(`crash harness failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
