/**
 * Issue 15 over the real HTTP API: a proposal revised after four approvals (likalydande beslut). The four
 * must decide again and there is no consensus; all 17 approve version 2: consensus. A registration that
 * does not know of the revision is refused (409 proposal-revised); one that states the older version
 * explicitly is recorded on it and not counted.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '@dgr/event-store';
import { decideAll, decision, expectProblem, HttpApp, PARTY_IDS, propose, tokenFor } from './support/http-app';

let app: HttpApp;
beforeAll(async () => {
  app = await HttpApp.start();
});
afterAll(async () => {
  await app.dispose();
});

const FOUR = ['1780', '1784', '1715', '1730'];
const OTHERS = PARTY_IDS.filter((p) => !FOUR.includes(p));
const BASIS_V1 = {
  title: 'Kompetensplattform Värmland',
  summary: 'Gemensam plattform för kompetensförsörjning i hela länet.',
  requestedAmountOre: 500_000_000,
  strategyLinks: [{ area: 'Höja kompetensen', goal: 'Hållbar arbetsmarknad' }],
  coFinancing: [],
  decisionDeadline: '2024-12-31',
};
/** SHA-256 of the RFC 8785 canonical JSON of the decision basis, base64url: computed here independently. */
const hashOf = (basis: object): string => createHash('sha256').update(canonicalJson(basis)).digest('base64url');

describe('a proposal revised after four approvals', () => {
  let id: string;
  let v2Hash: string;

  beforeAll(async () => {
    id = await propose(app);
    await decideAll(app, id, { parties: FOUR, decidedOn: () => '2024-04-15' });
  });

  it('version 1 is the proposal as made, with the hash of its decision basis; decisions name it', async () => {
    const res = await app.get(`/api/initiatives/${id}`);
    expect(res.body).toMatchObject({ version: 1, textHash: hashOf(BASIS_V1), mustDecideAgain: [] });
    expect(res.body.versions).toEqual([{ version: 1, textHash: hashOf(BASIS_V1), revisedOn: '2024-02-01', reason: null, changes: [] }]);
    expect(res.body.decisions.map((d: { proposalVersion: number; textHash: string }) => [d.proposalVersion, d.textHash])).toEqual(
      FOUR.map(() => [1, hashOf(BASIS_V1)]),
    );
  });

  it('a revision that changes nothing is refused (422) and writes nothing', async () => {
    const before = await app.position();
    const res = await app.post(`/api/initiatives/${id}/revisions`, { reason: 'Inget', requestedAmountOre: 500_000_000, revisedOn: '2024-05-01' });
    expect(expectProblem(res, 422).code).toBe('revision-changes-nothing');
    expect(await app.position()).toBe(before);
  });

  it('only the secretariat revises (a clerk: 403); a bad body: 400 in Swedish', async () => {
    const clerk = await app.post(`/api/initiatives/${id}/revisions`, { reason: 'x', title: 'Y' }, { authorization: `Bearer ${tokenFor('clerk', '1780')}` });
    expectProblem(clerk, 403);
    const bad = await app.post(`/api/initiatives/${id}/revisions`, { reason: 'x', requestedAmountOre: 'mycket', colour: 'red' });
    expect(expectProblem(bad, 400).detail).toMatch(/colour är inget känt fält; requestedAmountOre måste/);
  });

  it('revises: 201 with version 2, its text hash, and where it landed', async () => {
    const res = await app.post(`/api/initiatives/${id}/revisions`, {
      reason: 'Beloppet sänks efter VRAU:s beredning.',
      requestedAmountOre: 400_000_000,
      summary: 'Gemensam plattform för kompetensförsörjning i hela länet, i två etapper.',
      revisedOn: '2024-05-01',
    });
    expect(res.status).toBe(201);
    v2Hash = hashOf({ ...BASIS_V1, requestedAmountOre: 400_000_000, summary: 'Gemensam plattform för kompetensförsörjning i hela länet, i två etapper.' });
    expect(res.body).toEqual({ version: 2, textHash: v2Hash, stream: `initiative-${id}`, revision: expect.any(Number), position: expect.any(Number) });
  });

  it('after it the four must decide again, their approvals do not count, and there is no consensus', async () => {
    await decideAll(app, id, { parties: OTHERS, decidedOn: () => '2024-05-15' });
    // As of a day before the deadline (2024-12-31; today it has lapsed).
    const res = await app.get(`/api/initiatives/${id}?asOf=2024-06-01`);
    expect(res.body.version).toBe(2);
    expect(res.body.textHash).toBe(v2Hash);
    expect(res.body.status).toBe('open');
    expect(res.body.versions[1]).toEqual({
      version: 2,
      textHash: v2Hash,
      revisedOn: '2024-05-01',
      reason: 'Beloppet sänks efter VRAU:s beredning.',
      changes: ['summary', 'requestedAmountOre'],
    });
    expect(res.body.mustDecideAgain.map((m: { party: string }) => m.party).sort()).toEqual([...FOUR].sort());
    expect(res.body.mustDecideAgain[0]).toMatchObject({ decidedVersion: 1, currentVersion: 2, outcome: 'approved' });
    const karlstad = res.body.decisions.find((d: { party: string }) => d.party === '1780');
    expect(karlstad).toMatchObject({ proposalVersion: 1, textHash: hashOf(BASIS_V1), countsTowardsConsensus: false, notCountedReason: 'earlier-version' });
    const kil = res.body.decisions.find((d: { party: string }) => d.party === '1760');
    expect(kil).toMatchObject({ proposalVersion: 2, textHash: v2Hash, countsTowardsConsensus: true, notCountedReason: null });
    expect(res.body.consensus.missing.sort()).toEqual([...FOUR].sort());
  });

  it('GET …/versions/:n gives each version’s full text; an unknown version 404, a bad one 400', async () => {
    const one = await app.get(`/api/initiatives/${id}/versions/1`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ version: 1, textHash: hashOf(BASIS_V1), current: false, ...BASIS_V1 });
    const two = await app.get(`/api/initiatives/${id}/versions/2`);
    expect(two.body).toMatchObject({ version: 2, current: true, requestedAmountOre: 400_000_000 });
    expect(expectProblem(await app.get(`/api/initiatives/${id}/versions/3`), 404).code).toBe('proposal-version-not-found');
    expectProblem(await app.get(`/api/initiatives/${id}/versions/zwei`), 400);
  });

  it('a stale registration is refused with 409 proposal-revised naming the current version, and changes nothing', async () => {
    const before = await app.position();
    // Karlstad's clerk still has version 1 in front of them: the hash they were shown is version 1's.
    const stale = await app.post(`/api/initiatives/${id}/decisions`, decision('1780', { decidedOn: '2024-05-20', textHash: hashOf(BASIS_V1) }));
    const problem = expectProblem(stale, 409);
    expect(problem).toMatchObject({ code: 'proposal-revised', currentVersion: 2, textHash: v2Hash, type: expect.stringMatching(/proposal-revised$/) });
    expect(problem.detail).toMatch(/version 2/);
    // A council that met before version 2 existed cannot have decided on it.
    const before2 = await app.post(`/api/initiatives/${id}/decisions`, decision('1780', { decidedOn: '2024-04-30' }));
    expect(expectProblem(before2, 409).code).toBe('proposal-revised');
    expect(await app.position()).toBe(before);
  });

  it('an explicit older version is recorded on that version and does not count', async () => {
    const id2 = await propose(app, { title: 'Ett annat initiativ' });
    await app.post(`/api/initiatives/${id2}/revisions`, { reason: 'Ny titel.', title: 'Ett annat initiativ, reviderat', revisedOn: '2024-05-01' });
    const res = await app.post(`/api/initiatives/${id2}/decisions`, decision('1785', { decidedOn: '2024-04-20', proposalVersion: 1 }));
    expect(res.status).toBe(201);
    const got = await app.get(`/api/initiatives/${id2}`);
    expect(got.body.decisions[0]).toMatchObject({ party: '1785', proposalVersion: 1, countsTowardsConsensus: false, notCountedReason: 'earlier-version' });
    expect(got.body.consensus.approved).toEqual([]);
    const events = await app.get(`/api/initiatives/${id2}/events`);
    const registered = events.body.find((e: { type: string }) => e.type === 'PartyDecisionRegistered');
    expect(registered.data).toMatchObject({ proposalVersion: 1, textHash: hashOf({ ...BASIS_V1, title: 'Ett annat initiativ' }) });
    expect(registered.metadata.schemaVersion).toBe(3);
  });

  it('all 17 approve version 2: consensus', async () => {
    await decideAll(app, id, { parties: FOUR, decidedOn: () => '2024-05-20' });
    const res = await app.get(`/api/initiatives/${id}`);
    expect(res.body.status).toBe('consensus');
    expect(res.body.consensus.reachedOn).toBe('2024-05-20');
    expect(res.body.mustDecideAgain).toEqual([]);
    expect(res.body.decisions.every((d: { proposalVersion: number; countsTowardsConsensus: boolean }) => d.proposalVersion === 2 && d.countsTowardsConsensus)).toBe(true);
    // As of a day before the revision, version 1 was in force and the four had approved it.
    const earlier = await app.get(`/api/initiatives/${id}?asOf=2024-04-20`);
    expect(earlier.body.version).toBe(1);
    expect(earlier.body.consensus.approved.sort()).toEqual([...FOUR].sort());
  });
});
