/**
 * `Idempotency-Key` on POSTs, over the real HTTP API and SQLite file:
 * - the same key and body, 50 times at once: one command, 50 identical answers;
 * - retried later (and after a restart): the stored answer, `Idempotent-Replayed: true`, nothing written;
 * - the same key with another body (or path): 422 `idempotency-key-reused`, nothing written;
 * - keys are per token subject: another subject's same key is its own request;
 * - a malformed key: 400 naming Idempotency-Key;
 * - a refused request records no answer: the key is free again once the state allows the request;
 * - a claim left by another process (a second app on the same file) and not yet answered: 409
 *   `idempotency-key-in-progress`, until it is 60 s old by the clock; then it is taken to be abandoned;
 * - a retry after a crash between the command and its recorded answer writes nothing twice;
 * - only the API's write commands (routes with @Writes) honour the key, after authorisation: on sign-in and
 *   sign-out it is ignored, so an auditor's key writes nothing and a retry answers (issue 17, item 1);
 * - a command without a body (closing a year) under a key: an absent body is an empty one (issue 17, item 2).
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { resolveTokenKeys, signToken } from '@dgr/config';
import { Idempotency } from '@dgr/application';
import { SqliteEventStore } from '@dgr/event-store';
import {
  tokenFor,
  decideAll,
  expectInvalidField,
  expectProblem,
  HttpApp,
  NOW,
  propose,
  proposal,
  testConfig,
  type HttpAnswer,
  type Json,
} from './support/http-app';

let app: HttpApp;

/** A new key per use, so that the tests do not share keys. */
const newKey = (): string => `test-${randomUUID()}`;

const depositBody = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  amountOre: 10_000,
  source: 'Region Värmland',
  bookedOn: '2024-03-01',
  reference: `VER-${randomUUID().slice(0, 8)}`,
  ...overrides,
});

const deposit = (body: Record<string, unknown>, key: string, headers: Record<string, string> = {}): Promise<HttpAnswer> =>
  app.post('/api/fund/deposits', body, { 'Idempotency-Key': key, ...headers });

/** A finance token with its own subject (tokenFor gives every finance token the subject `finance`). */
const financeTokenAs = (sub: string): string => {
  const config = testConfig(':memory:');
  return `Bearer ${signToken({ sub, name: `Test ${sub}`, role: 'finance', days: 1 }, resolveTokenKeys(config.auth), config.auth)}`;
};

const ledgerLength = async (): Promise<number> => ((await app.get('/api/fund/ledger')).body as unknown[]).length;

/** What a status-and-body comparison looks at: every answer to one key must be this, exactly. */
const answerOf = (res: HttpAnswer): Json => ({ status: res.status, body: res.body });

/** The events of a key's bookkeeping stream, straight from the file (types only). */
const keyStreamTypes = async (sqliteFile: string, subject: string, key: string): Promise<string[]> => {
  const store = new SqliteEventStore(sqliteFile);
  try {
    return (await store.readStream(Idempotency.streamOf(subject, key))).map((e) => e.type);
  } finally {
    await store.close();
  }
};

/** The last position in the file itself (not the read models, which may not have applied it yet). */
const headOfFile = async (sqliteFile: string): Promise<number> => {
  const store = new SqliteEventStore(sqliteFile);
  try {
    return await store.headPosition();
  } finally {
    await store.close();
  }
};

const plus = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();

beforeAll(async () => {
  app = await HttpApp.start();
  expect((await app.post('/api/fund/deposits', depositBody({ amountOre: 1_000_000_000, bookedOn: '2024-01-10' }))).status).toBe(201);
});

afterAll(async () => {
  await app.dispose();
});

describe('the same key and body', () => {
  it('sent 50 times at once to propose: exactly one initiative with one event, and 50 identical answers', async () => {
    const key = newKey();
    const before = ((await app.get('/api/initiatives')).body as unknown[]).length;
    const body = proposal({ title: 'Femtio gånger samtidigt' });

    const answers = await Promise.all(Array.from({ length: 50 }, () => app.post('/api/initiatives', body, { 'Idempotency-Key': key })));

    expect(answers[0]!.status).toBe(201);
    expect(answers[0]!.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(answers.map(answerOf)).toEqual(Array.from({ length: 50 }, () => answerOf(answers[0]!)));
    // One executed it; every other one got its answer (waiting for it in this process, or read back).
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === undefined)).toHaveLength(1);
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(49);

    const list = (await app.get('/api/initiatives')).body as Array<{ id: string; title: string }>;
    expect(list).toHaveLength(before + 1);
    expect(list.filter((i) => i.title === 'Femtio gånger samtidigt').map((i) => i.id)).toEqual([answers[0]!.body.id]);
    const events = (await app.get(`/api/initiatives/${answers[0]!.body.id}/events`)).body as Array<{ type: string }>;
    expect(events.map((e) => e.type)).toEqual(['InitiativeProposed']);
  });

  it('sent 50 times at once to deposit: exactly one booking in the ledger, and 50 identical answers', async () => {
    const key = newKey();
    const ledgerBefore = await ledgerLength();
    const balanceBefore = (await app.get('/api/fund')).body.balanceOre as number;
    const body = depositBody({ amountOre: 777 });

    const answers = await Promise.all(Array.from({ length: 50 }, () => deposit(body, key)));

    expect(answers[0]!).toMatchObject({ status: 201, body: { stream: 'fund-dgr', revision: expect.any(Number), position: expect.any(Number) } });
    expect(answers.map(answerOf)).toEqual(Array.from({ length: 50 }, () => answerOf(answers[0]!)));
    expect(await ledgerLength()).toBe(ledgerBefore + 1);
    expect((await app.get('/api/fund')).body.balanceOre).toBe(balanceBefore + 777);
  });

  it('retried one after the other: the same answer, marked Idempotent-Replayed: true, and nothing written', async () => {
    const key = newKey();
    const first = await deposit(depositBody({ amountOre: 500, reference: 'VER-RETRY' }), key);
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const position = await app.position();
    const ledger = (await app.get('/api/fund/ledger')).body;

    for (let i = 0; i < 3; i++) {
      const again = await deposit(depositBody({ amountOre: 500, reference: 'VER-RETRY' }), key);
      expect(answerOf(again)).toEqual(answerOf(first));
      expect(again.headers['idempotent-replayed']).toBe('true');
    }
    expect(await app.position()).toBe(position);
    expect((await app.get('/api/fund/ledger')).body).toEqual(ledger);
  });

  it('the same body with its keys in another order is the same request (replayed)', async () => {
    const key = newKey();
    const first = await deposit({ amountOre: 321, source: 'Region Värmland', bookedOn: '2024-03-02', reference: 'VER-ORDER' }, key);
    expect(first.status).toBe(201);
    const position = await app.position();
    const again = await deposit({ reference: 'VER-ORDER', bookedOn: '2024-03-02', source: 'Region Värmland', amountOre: 321 }, key);
    expect(answerOf(again)).toEqual(answerOf(first));
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await app.position()).toBe(position);
  });
});

describe('the same key for another request', () => {
  it('with another body: 422 idempotency-key-reused, nothing written, and the first answer still stands', async () => {
    const key = newKey();
    const first = await deposit(depositBody({ amountOre: 100, reference: 'VER-A' }), key);
    expect(first.status).toBe(201);
    const position = await app.position();
    const ledger = (await app.get('/api/fund/ledger')).body;

    const other = await deposit(depositBody({ amountOre: 101, reference: 'VER-A' }), key);
    expect(expectProblem(other, 422)).toMatchObject({ type: 'urn:dgr:problem:idempotency-key-reused', code: 'idempotency-key-reused' });
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(await app.position()).toBe(position);
    expect((await app.get('/api/fund/ledger')).body).toEqual(ledger);

    const again = await deposit(depositBody({ amountOre: 100, reference: 'VER-A' }), key);
    expect(answerOf(again)).toEqual(answerOf(first));
  });

  it('on another path with the same body: 422 idempotency-key-reused', async () => {
    const key = newKey();
    const id = await propose(app, { requestedAmountOre: 1_000 });
    const body = { reason: 'Dubblett', cancelledOn: '2024-06-01' };
    expect((await app.post(`/api/initiatives/${id}/cancellation`, body, { 'Idempotency-Key': key })).status).toBe(201);
    const other = await propose(app, { requestedAmountOre: 1_000 });
    const position = await app.position();
    const res = await app.post(`/api/initiatives/${other}/cancellation`, body, { 'Idempotency-Key': key });
    expect(expectProblem(res, 422).code).toBe('idempotency-key-reused');
    expect(await app.position()).toBe(position);
    expect((await app.get(`/api/initiatives/${other}`)).body.status).not.toBe('cancelled');
  });

  it('with another body at the same time: one is executed (201), the other is refused (422 idempotency-key-reused)', async () => {
    const key = newKey();
    const ledgerBefore = await ledgerLength();
    const answers = await Promise.all([deposit(depositBody({ amountOre: 11 }), key), deposit(depositBody({ amountOre: 12 }), key)]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 422]);
    expect(expectProblem(answers.find((a) => a.status === 422)!, 422).code).toBe('idempotency-key-reused');
    expect(await ledgerLength()).toBe(ledgerBefore + 1);
  });
});

describe('keys are scoped to the token subject', () => {
  it('the same key and body from another subject is executed as its own request', async () => {
    const key = newKey();
    const body = depositBody({ amountOre: 200, reference: 'VER-SUBJECT' });
    const ledgerBefore = await ledgerLength();

    const mine = await deposit(body, key);
    const theirs = await deposit(body, key, { authorization: financeTokenAs('finance-2') });

    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.body.position).toBeGreaterThan(mine.body.position);
    expect(await ledgerLength()).toBe(ledgerBefore + 2);
    // …and each subject's retry replays its own answer.
    expect(answerOf(await deposit(body, key, { authorization: financeTokenAs('finance-2') }))).toEqual(answerOf(theirs));
    expect(answerOf(await deposit(body, key))).toEqual(answerOf(mine));
    expect(await ledgerLength()).toBe(ledgerBefore + 2);
  });
});

describe('after a restart', () => {
  it('a retry still finds the stored answer: replayed, nothing written', async () => {
    const key = newKey();
    const body = depositBody({ amountOre: 300, reference: 'VER-RESTART' });
    const first = await deposit(body, key);
    expect(first.status).toBe(201);

    await app.restart();

    const position = await app.position();
    const again = await deposit(body, key);
    expect(answerOf(again)).toEqual(answerOf(first));
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await app.position()).toBe(position);
    // And another body under that key is still refused.
    expect(expectProblem(await deposit({ ...body, amountOre: 301 }, key), 422).code).toBe('idempotency-key-reused');
  });
});

describe('a malformed key: 400 naming Idempotency-Key, nothing written', () => {
  it.each([
    ['empty', ''],
    ['256 characters', 'k'.repeat(256)],
    ['with a space', 'nyckel med mellanslag'],
    ['with a non-ASCII character', 'nyckel-å'],
  ])('%s', async (_what, key) => {
    const position = await app.position();
    const ledgerBefore = await ledgerLength();
    const res = await deposit(depositBody(), key);
    const problem = expectInvalidField(res, 'Idempotency-Key');
    expect(problem.errors).toEqual([{ field: 'Idempotency-Key', message: 'Idempotency-Key ska vara 1–255 synliga ASCII-tecken (t.ex. ett UUID)' }]);
    expect(await app.position()).toBe(position);
    expect(await ledgerLength()).toBe(ledgerBefore);
  });

  it('255 visible ASCII characters are a valid key', async () => {
    const key = `${'!~'.repeat(127)}${randomUUID().slice(0, 1)}`;
    expect(key).toHaveLength(255);
    const body = depositBody({ amountOre: 255 });
    const first = await deposit(body, key);
    expect(first.status).toBe(201);
    const again = await deposit(body, key);
    expect(answerOf(again)).toEqual(answerOf(first));
    expect(again.headers['idempotent-replayed']).toBe('true');
  });
});

describe('a refused request does not lock its key', () => {
  // Behaviour: no answer is stored for a refusal. The claim is released (the log gets the claim and its
  // release, but no domain event), so the same key and body is executed afresh: refused again while the
  // state refuses it, accepted once the state allows it; from then on it replays that 201.
  it('a grant refused for want of consensus (422) with a key succeeds with the same key and body once consensus is reached', async () => {
    const key = newKey();
    const id = await propose(app, { requestedAmountOre: 5_000 });
    const grant = { amountOre: 5_000, decidedOn: '2024-05-01', reference: 'RV-IDEM' };
    const send = () => app.post(`/api/initiatives/${id}/grant`, grant, { 'Idempotency-Key': key });
    const position = await app.position();
    const ledger = (await app.get('/api/fund/ledger')).body;

    const refused = await send();
    expect(expectProblem(refused, 422).code).toBe('no-consensus');
    expect(refused.headers['idempotent-replayed']).toBeUndefined();
    expect((await app.get('/api/fund/ledger')).body).toEqual(ledger);
    // A refused request writes nothing at all: the key is claimed only when a command is about to be written.
    expect(await app.position()).toBe(position);
    expect(await keyStreamTypes(app.sqliteFile, 'finance', key)).toEqual([]);

    // Still refused, executed again (not a replay of the refusal).
    const again = await send();
    expect(expectProblem(again, 422).code).toBe('no-consensus');
    expect(again.headers['idempotent-replayed']).toBeUndefined();

    await decideAll(app, id);
    const accepted = await send();
    expect(accepted.status).toBe(201);
    expect(accepted.headers['idempotent-replayed']).toBeUndefined();
    expect((await app.get(`/api/initiatives/${id}`)).body.grantedOre).toBe(5_000);

    const replay = await send();
    expect(answerOf(replay)).toEqual(answerOf(accepted));
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect((await app.get(`/api/initiatives/${id}`)).body.grantedOre).toBe(5_000);
    expect(await keyStreamTypes(app.sqliteFile, 'finance', key)).toEqual(['IdempotencyKeyClaimed', 'IdempotentAnswerRecorded']);
  });

  it('an invalid body (400) with a key: the same key with the corrected body is a new request, not a reuse', async () => {
    const key = newKey();
    const bad = await deposit(depositBody({ amountOre: -5 }), key);
    expectInvalidField(bad, 'amountOre');
    const good = await deposit(depositBody({ amountOre: 5 }), key);
    expect(good.status).toBe(201);
    expect(good.headers['idempotent-replayed']).toBeUndefined();
  });
});

describe('two processes on the same SQLite file', () => {
  let second: HttpApp;

  beforeAll(async () => {
    second = await HttpApp.start({ sqliteFile: app.sqliteFile });
  });

  afterAll(async () => {
    await second.stop();
  });

  /**
   * Leaves a claim as the other process would have while still executing the request: an
   * `IdempotencyKeyClaimed` event in the key's stream, with the request's hash and `claimedAt` = the
   * apps' clock (NOW), and no answer yet.
   */
  const claimAsAnotherProcess = async (subject: string, key: string, path: string, body: unknown, claimedAt = NOW): Promise<void> => {
    const store = new SqliteEventStore(app.sqliteFile);
    try {
      await store.append(
        Idempotency.streamOf(subject, key),
        [
          {
            id: randomUUID(),
            type: 'IdempotencyKeyClaimed',
            data: { requestHash: Idempotency.hashOf('POST', path, body), claimedAt },
            metadata: { recordedAt: claimedAt, correlationId: 'other-process', causationId: null, schemaVersion: 1, actor: null },
          },
        ],
        'no_stream',
      );
    } finally {
      await store.close();
    }
  };

  it('a claim not yet answered (claimed now by the clock): 409 idempotency-key-in-progress from either app, nothing written', async () => {
    const key = newKey();
    const body = depositBody({ amountOre: 900, reference: 'VER-INPROGRESS' });
    await claimAsAnotherProcess('finance', key, '/api/fund/deposits', body);
    const head = await headOfFile(app.sqliteFile);

    for (const target of [second, app]) {
      const res = await target.post('/api/fund/deposits', body, { 'Idempotency-Key': key });
      expect(expectProblem(res, 409)).toMatchObject({ type: 'urn:dgr:problem:idempotency-key-in-progress', code: 'idempotency-key-in-progress' });
    }
    // The same key with another body is a reuse, claimed or not.
    expect(expectProblem(await second.post('/api/fund/deposits', { ...body, amountOre: 901 }, { 'Idempotency-Key': key }), 422).code).toBe(
      'idempotency-key-reused',
    );
    expect(await headOfFile(app.sqliteFile)).toBe(head);
    expect(await keyStreamTypes(app.sqliteFile, 'finance', key)).toEqual(['IdempotencyKeyClaimed']);
  });

  it('a claim 60 s old by the clock is taken to be abandoned: an app whose clock is 61 s on executes the request; then both replay it', async () => {
    const key = newKey();
    const body = depositBody({ amountOre: 901, reference: 'VER-ABANDONED' });
    await claimAsAnotherProcess('finance', key, '/api/fund/deposits', body);
    expect(expectProblem(await second.post('/api/fund/deposits', body, { 'Idempotency-Key': key }), 409).code).toBe('idempotency-key-in-progress');

    const later = await HttpApp.start({ sqliteFile: app.sqliteFile, now: plus(NOW, 61_000) });
    try {
      const taken = await later.post('/api/fund/deposits', body, { 'Idempotency-Key': key });
      expect(taken).toMatchObject({ status: 201, body: { stream: 'fund-dgr' } });
      expect(taken.headers['idempotent-replayed']).toBeUndefined();
      const replay = await second.post('/api/fund/deposits', body, { 'Idempotency-Key': key });
      expect(answerOf(replay)).toEqual(answerOf(taken));
      expect(replay.headers['idempotent-replayed']).toBe('true');
    } finally {
      await later.stop();
    }
    expect(await keyStreamTypes(app.sqliteFile, 'finance', key)).toEqual(['IdempotencyKeyClaimed', 'IdempotencyKeyClaimed', 'IdempotentAnswerRecorded']);
  });
});

describe('a crash between the command and its recorded answer', () => {
  // Simulated exactly: the request runs to the end, then its recorded answer is removed from the file, as
  // if the process had died after writing the command's events. After 60 s the claim counts as abandoned;
  // the retry executes again, and the command's events (ids derived from the key) are not written twice.
  const crashBeforeAnswer = (sqliteFile: string, subject: string, key: string): void => {
    const db = new Database(sqliteFile);
    try {
      const removed = db
        .prepare("DELETE FROM events WHERE stream = ? AND type = 'IdempotentAnswerRecorded'")
        .run(Idempotency.streamOf(subject, key));
      expect(removed.changes).toBe(1);
    } finally {
      db.close();
    }
  };

  it('a deposit retried after the claim expired: the first answer again, and still one booking', async () => {
    const key = newKey();
    const body = depositBody({ amountOre: 4_242, reference: 'VER-CRASH' });
    const first = await deposit(body, key);
    expect(first.status).toBe(201);
    const ledger = (await app.get('/api/fund/ledger')).body as Array<{ reference: string }>;
    expect(ledger.filter((b) => b.reference === 'VER-CRASH')).toHaveLength(1);
    await app.stop();
    crashBeforeAnswer(app.sqliteFile, 'finance', key);

    const later = await HttpApp.start({ sqliteFile: app.sqliteFile, now: plus(NOW, 61_000) });
    try {
      const retry = await later.post('/api/fund/deposits', body, { 'Idempotency-Key': key });
      expect(answerOf(retry)).toEqual(answerOf(first));
      expect(((await later.get('/api/fund/ledger')).body as Array<{ reference: string }>).filter((b) => b.reference === 'VER-CRASH')).toHaveLength(1);
    } finally {
      await later.stop();
      await app.restart();
    }
  });

  it('a proposal retried after the claim expired: the first answer again (the same initiative), and still one initiative', async () => {
    const key = newKey();
    const body = proposal({ title: 'Krasch före svaret' });
    const first = await app.post('/api/initiatives', body, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    await app.stop();
    crashBeforeAnswer(app.sqliteFile, 'secretariat', key);

    const later = await HttpApp.start({ sqliteFile: app.sqliteFile, now: plus(NOW, 61_000) });
    try {
      const retry = await later.post('/api/initiatives', body, { 'Idempotency-Key': key });
      expect(answerOf(retry)).toEqual(answerOf(first));
      const list = (await later.get('/api/initiatives')).body as Array<{ title: string }>;
      expect(list.filter((i) => i.title === 'Krasch före svaret')).toHaveLength(1);
    } finally {
      await later.stop();
      await app.restart();
    }
  });
});

describe('only the write commands honour the key, after authorisation (issue 17, item 1)', () => {
  // The attack: an auditor (who may write nothing) sent Idempotency-Key to sign-in and sign-out; each
  // request appended IdempotentAnswerRecorded to the log under the auditor's name, and the retry never
  // answered (the stored answer was replayed to a route that writes its own response).
  const auditor = `Bearer ${tokenFor('auditor')}`;
  /** A raw POST, redirects not followed, that gives up after 5 s (a retry must answer by then). */
  const send = (path: string, body: string | undefined, key: string, authorization = auditor): Promise<Response> =>
    fetch(app.baseUrl + path, {
      method: 'POST',
      redirect: 'manual',
      headers: { authorization, 'idempotency-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body,
      signal: AbortSignal.timeout(5_000),
    });

  it.each([
    ['POST /auth/token (sign-in, JSON)', '/auth/token', JSON.stringify({ token: tokenFor('auditor') }), 204],
    ['POST /auth/logout (sign-out)', '/auth/logout', undefined, 303],
  ])("%s with an auditor's token and a key: answered as without it, the log unchanged, and the retry answers", async (_what, path, body, status) => {
    const key = newKey();
    const head = await headOfFile(app.sqliteFile);

    const first = await send(path, body, key);
    expect(first.status).toBe(status);
    expect(first.headers.get('set-cookie')).toMatch(/^dgr_session=/);
    const retry = await send(path, body, key);
    expect(retry.status).toBe(status);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(retry.headers.get('set-cookie')).toMatch(/^dgr_session=/);

    expect(await headOfFile(app.sqliteFile)).toBe(head);
    expect(await keyStreamTypes(app.sqliteFile, 'auditor', key)).toEqual([]);
  });

  it('a malformed key on a route that writes no command is ignored too (no 400)', async () => {
    const res = await send('/auth/token', JSON.stringify({ token: tokenFor('auditor') }), 'nyckel med mellanslag');
    expect(res.status).toBe(204);
  });

  it("a write command outside the role's authority: 403 before the key is looked at, nothing written", async () => {
    const key = newKey();
    const head = await headOfFile(app.sqliteFile);
    const res = await send('/api/fund/deposits', JSON.stringify(depositBody()), key);
    expect(res.status).toBe(403);
    expect(await headOfFile(app.sqliteFile)).toBe(head);
    expect(await keyStreamTypes(app.sqliteFile, 'auditor', key)).toEqual([]);
  });
});

describe('a command sent without a body under a key (issue 17, item 2)', () => {
  // The Fonden page's close-year form posts no body with an Idempotency-Key: that answered 500
  // ("JCS cannot represent undefined") where the same request without the key answers 201 or 422.
  let fresh: HttpApp;

  beforeAll(async () => {
    fresh = await HttpApp.start();
    expect((await fresh.post('/api/fund/deposits', depositBody({ bookedOn: '2024-01-10' }))).status).toBe(201);
  });

  afterAll(async () => {
    await fresh.dispose();
  });

  it('a year that cannot be closed yet: the same 422 with the key as without it', async () => {
    const without = expectProblem(await fresh.post('/api/fund/years/2026/close'), 422);
    const keyed = expectProblem(await fresh.post('/api/fund/years/2026/close', undefined, { 'Idempotency-Key': newKey() }), 422);
    expect(keyed.code).toBe(without.code);
  });

  it('closing a year: 201, the retry replays it, and an empty JSON body is the same request', async () => {
    const key = newKey();
    const first = await fresh.post('/api/fund/years/2024/close', undefined, { 'Idempotency-Key': key });
    expect(first).toMatchObject({ status: 201, body: { stream: 'fund-dgr' } });
    const position = await fresh.position();

    for (const body of [undefined, {}]) {
      const again = await fresh.post('/api/fund/years/2024/close', body, { 'Idempotency-Key': key });
      expect(answerOf(again)).toEqual(answerOf(first));
      expect(again.headers['idempotent-replayed']).toBe('true');
    }
    expect(await fresh.position()).toBe(position);
  });
});
