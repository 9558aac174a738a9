import { consensusAsOf, mustDecideAgainAsOf } from '../consensus';
import { DateNotAllowed, InvalidInput } from '../errors';
import { MSEK } from '../money';
import { PARTY_IDS, type PartyId } from '../parties';
import {
  approvedBy,
  ARVIKA,
  at,
  cancelled,
  correctCmd,
  decisionRegistered,
  EDA,
  initiativeAfter,
  initiativeSpec,
  KARLSTAD,
  KIL,
  NOW,
  proposed,
  registerCmd,
  reviseCmd,
  revisedTo,
  SAFFLE,
  TEST_TEXT_HASHER,
  TEXT_HASH_V1,
} from '../testing/fixtures';
import type { CorrectPartyDecision, RegisterPartyDecision, ReviseInitiative } from './initiative.commands';
import { correctPartyDecision, registerPartyDecision, reviseInitiative } from './initiative.decide';
import {
  DecisionAlreadyRegistered,
  InitiativeCancelledError,
  ProposalRevised,
  RevisionAfterGrant,
  RevisionChangesNothing,
} from './initiative.errors';
import type { InitiativeState } from './initiative.state';
import { currentVersionOf, versionsOf } from './proposal-versions';

const revise = initiativeSpec((c: ReviseInitiative, s: InitiativeState) => reviseInitiative(c, s, TEST_TEXT_HASHER, 0));
const register = initiativeSpec((c: RegisterPartyDecision, s: InitiativeState) => registerPartyDecision(c, s, TEST_TEXT_HASHER));
const correct = initiativeSpec((c: CorrectPartyDecision, s: InitiativeState) => correctPartyDecision(c, s, TEST_TEXT_HASHER));

const FOUR = [KARLSTAD, ARVIKA, KIL, EDA];
const fourApproveV1 = FOUR.map((p) => approvedBy(p, '2026-05-01'));
const v2 = revisedTo(2, { requestedAmountOre: 4 * MSEK }, '2026-05-20');
const V2_HASH = v2.data.textHash;

describe('reviseInitiative (issue 15)', () => {
  it('records version 2 with only the changed fields, the reason and the new text’s hash', () => {
    revise([proposed(), ...fourApproveV1])
      .when(reviseCmd({ requestedAmountOre: 4 * MSEK, title: 'Gemensam kompetensplattform för Värmland' }))
      .then([v2]);
    expect(V2_HASH).not.toBe(TEXT_HASH_V1);
  });

  it('numbers each revision after the one before, and defaults the day to today', () => {
    revise([proposed(), v2])
      .when(reviseCmd({ summary: 'En ny sammanfattning.', revisedOn: undefined }))
      .then([
        revisedTo(3, { summary: 'En ny sammanfattning.' }, '2026-06-15', {}, { ...versionsOf(initiativeAfter(proposed(), v2))[1]!.basis }),
      ]);
  });

  it('refuses a revision that changes nothing (422), also when arrays come back in another key order', () => {
    revise([proposed()]).when(reviseCmd({ requestedAmountOre: 5 * MSEK })).thenThrows(RevisionChangesNothing);
    revise([proposed()])
      .when(reviseCmd({ strategyLinks: [{ goal: 'Hållbar arbetsmarknad', area: 'Höja kompetensen' }] }))
      .thenThrows(RevisionChangesNothing);
  });

  it('refuses a cancelled or granted initiative, a missing reason, a day in the future or before the last version', () => {
    revise([proposed(), cancelled('2026-06-01')]).when(reviseCmd({ title: 'Ny' })).thenThrows(InitiativeCancelledError);
    expect(() => reviseInitiative(reviseCmd({ title: 'Ny' }), initiativeAfter(proposed()), TEST_TEXT_HASHER, 1)).toThrow(RevisionAfterGrant);
    revise([proposed()]).when(reviseCmd({ title: 'Ny', reason: ' ' })).thenThrows(InvalidInput, /reason/);
    revise([proposed()]).when(reviseCmd({ title: 'Ny', revisedOn: '2026-06-16' })).thenThrows(DateNotAllowed);
    revise([proposed(), v2]).when(reviseCmd({ title: 'Ny', revisedOn: '2026-05-19' })).thenThrows(DateNotAllowed, /före version 2/);
    revise([proposed()]).when(reviseCmd({ strategyLinks: [] })).thenThrows(InvalidInput, /Värmlandsstrategin/);
  });

  it('folds into the current fields and a list of versions, version 1 kept as proposed', () => {
    const s = initiativeAfter(proposed(), v2);
    expect(s.requestedAmountOre).toBe(4 * MSEK);
    expect(currentVersionOf(s)).toBe(2);
    const [one, two] = versionsOf(s);
    expect(one).toMatchObject({ version: 1, textHash: null, revisedOn: null, changes: [] });
    expect(one!.basis.requestedAmountOre).toBe(5 * MSEK);
    expect(two).toMatchObject({ version: 2, textHash: V2_HASH, revisedOn: '2026-05-20', changes: ['requestedAmountOre'] });
    // An initiative never revised has no versions in its state (old logs fold to the state older releases computed).
    expect(initiativeAfter(proposed()).versions).toBeUndefined();
  });
});

describe('decisions bound to a version', () => {
  const after = [proposed(), ...fourApproveV1, v2];

  it('defaults to the current version and records it with its hash', () => {
    register(after)
      .when(registerCmd(SAFFLE, { decidedOn: '2026-06-01' }))
      .then([decisionRegistered(SAFFLE, { decidedOn: '2026-06-01', proposalVersion: 2, textHash: V2_HASH })]);
  });

  it('refuses a stale registration with 409 proposal-revised naming the current version: met before it existed, or shown an older text', () => {
    register(after).when(registerCmd(SAFFLE, { decidedOn: '2026-05-10' })).thenThrows(ProposalRevised, /version 2 \(textHash hash/);
    register(after)
      .when(registerCmd(SAFFLE, { decidedOn: '2026-06-01', textHash: TEXT_HASH_V1 }))
      .thenThrows(ProposalRevised, /aktuella versionen är version 2/);
  });

  it('records a decision the clerk states was on an older version on that version', () => {
    register(after)
      .when(registerCmd(SAFFLE, { decidedOn: '2026-05-10', proposalVersion: 1 }))
      .then([decisionRegistered(SAFFLE, { decidedOn: '2026-05-10', proposalVersion: 1, textHash: TEXT_HASH_V1 })]);
    register(after).when(registerCmd(SAFFLE, { proposalVersion: 3 })).thenThrows(InvalidInput, /ingen version 3/);
    register(after).when(registerCmd(SAFFLE, { decidedOn: '2026-05-10', proposalVersion: 2 })).thenThrows(DateNotAllowed);
  });

  it('lets a party that decided an earlier version decide again, once per version', () => {
    register(after)
      .when(registerCmd(KARLSTAD, { decidedOn: '2026-06-01' }))
      .then([decisionRegistered(KARLSTAD, { decidedOn: '2026-06-01', proposalVersion: 2, textHash: V2_HASH })]);
    const again = approvedBy(KARLSTAD, '2026-06-01', { proposalVersion: 2, textHash: V2_HASH });
    register([...after, again]).when(registerCmd(KARLSTAD, { decidedOn: '2026-06-02' })).thenThrows(DecisionAlreadyRegistered);
    register(after).when(registerCmd(KARLSTAD, { decidedOn: '2026-05-10', proposalVersion: 1 })).thenThrows(DecisionAlreadyRegistered);
  });

  it('a correction without a version, of a decision taken before the current version, is stale too', () => {
    correct(after).when(correctCmd(KARLSTAD, { minuteReference: '§ 113' })).thenThrows(ProposalRevised);
    correct(after)
      .when(correctCmd(KARLSTAD, { minuteReference: '§ 113', proposalVersion: 1 }))
      .then([
        {
          type: 'PartyDecisionCorrected',
          data: expect.objectContaining({ minuteReference: '§ 113', proposalVersion: 1, textHash: TEXT_HASH_V1 }) as never,
        },
      ]);
  });
});

describe('consensus counts only approvals of the current version', () => {
  const all = (version: number, textHash: string, decidedOn: string, except: PartyId[] = []) =>
    PARTY_IDS.filter((p) => !except.includes(p)).map((p) => approvedBy(p, decidedOn, { proposalVersion: version, textHash }));

  it('after a revision the four approvals of version 1 no longer count: they must decide again, no consensus', () => {
    const s = initiativeAfter(proposed(), ...fourApproveV1, v2, ...all(2, V2_HASH, '2026-06-01', FOUR));
    const c = consensusAsOf(s, '2026-06-15');
    expect(c.status).toBe('open');
    expect(c.missing.sort()).toEqual([...FOUR].sort());
    expect(mustDecideAgainAsOf(s, '2026-06-15').map((m) => [m.party, m.decidedVersion, m.currentVersion])).toEqual(
      PARTY_IDS.filter((p) => FOUR.includes(p)).map((p) => [p, 1, 2]),
    );
  });

  it('all 17 approve version 2: consensus; as of a day before the revision, version 1 was in force', () => {
    const s = initiativeAfter(proposed(), ...fourApproveV1, v2, ...all(2, V2_HASH, '2026-06-01'));
    expect(consensusAsOf(s, '2026-06-15')).toMatchObject({ status: 'consensus', reachedOn: '2026-06-01', missing: [] });
    expect(mustDecideAgainAsOf(s, '2026-06-15')).toEqual([]);
    // On 2026-05-10 the four had approved version 1, the one in force then.
    const before = consensusAsOf(s, '2026-05-10');
    expect(before.approved.sort()).toEqual([...FOUR].sort());
  });

  it('an explicit decision on an older version is recorded but not counted', () => {
    const older = approvedBy(SAFFLE, '2026-05-10', { proposalVersion: 1, textHash: TEXT_HASH_V1 });
    const s = initiativeAfter(proposed(), v2, older);
    expect(consensusAsOf(s, '2026-06-15').approved).toEqual([]);
    expect(mustDecideAgainAsOf(s, '2026-06-15')).toEqual([{ party: SAFFLE, decidedVersion: 1, currentVersion: 2, outcome: 'approved' }]);
  });

  it('a grant is refused a revision through the reservation in the stream too', () => {
    expect(() => reviseInitiative(reviseCmd({ title: 'Ny' }, at(NOW)), initiativeAfter(proposed(), { type: 'GrantReserved', data: { initiativeId: 'init-1', reservationId: 'r', amountOre: 1, decidedOn: '2026-06-01', reference: 'x' } }), TEST_TEXT_HASHER, 0)).toThrow(RevisionAfterGrant);
  });
});
