import { DateNotAllowed, InvalidInput } from '../errors';
import {
  at,
  cancelled,
  correctCmd,
  decisionRegistered,
  initiativeSpec,
  KARLSTAD,
  KIL,
  NOW,
  proposed,
  registerCmd,
  TOMORROW,
  UNKNOWN_PARTY,
  TEST_TEXT_HASHER,
} from '../testing/fixtures';
import type { CorrectPartyDecision, RegisterPartyDecision } from './initiative.commands';
import type { InitiativeState as VersionedState } from './initiative.state';
import {
  appealDecided,
  appealLodged,
  CASE,
  COURT,
  decideAppealCmd,
  lodgeCmd,
  minutesCmd,
  minutesRecorded,
} from '../testing/legal-fixtures';
import {
  correctPartyDecision,
  decideAppeal,
  lodgeAppeal,
  recordDecisionMinutes,
  registerPartyDecision,
} from './initiative.decide';
import {
  AppealAlreadyDecided,
  AppealAlreadyLodged,
  AppealNotFound,
  InitiativeNotFound,
  MinutesAlreadyRecorded,
  MinutesChangeNothing,
  NoDecisionRegistered,
} from './initiative.errors';

/* Karlstad's decision of the default initiative is dated 2026-05-01; "today" is 2026-06-15. */

describe('registerPartyDecision with justering and anslag', () => {
  const spec = initiativeSpec((c: RegisterPartyDecision, s: VersionedState) => registerPartyDecision(c, s, TEST_TEXT_HASHER));

  it('records both dates when given', () => {
    spec([proposed()])
      .when(registerCmd(KARLSTAD, { minutesApprovedOn: '2026-05-08', noticePostedOn: '2026-05-11' }))
      .then([decisionRegistered(KARLSTAD, { minutesApprovedOn: '2026-05-08', noticePostedOn: '2026-05-11' })]);
  });

  it('records null for dates not given', () => {
    spec([proposed()]).when(registerCmd(KARLSTAD)).then([decisionRegistered(KARLSTAD)]);
  });

  it('refuses justering before the meeting', () => {
    spec([proposed()])
      .when(registerCmd(KARLSTAD, { minutesApprovedOn: '2026-04-30' }))
      .thenThrows(DateNotAllowed, /Justeringsdatumet 2026-04-30 ligger före beslutsdatumet 2026-05-01/);
  });

  it('refuses a notice before the justering', () => {
    spec([proposed()])
      .when(registerCmd(KARLSTAD, { minutesApprovedOn: '2026-05-08', noticePostedOn: '2026-05-07' }))
      .thenThrows(DateNotAllowed, /Anslagsdatumet 2026-05-07 ligger före justeringsdatumet 2026-05-08/);
  });

  it('refuses an impossible date as invalid input', () => {
    spec([proposed()]).when(registerCmd(KARLSTAD, { noticePostedOn: '2026-02-30' })).thenThrows(InvalidInput, /noticePostedOn/);
  });
});

describe('recordDecisionMinutes', () => {
  const spec = initiativeSpec(recordDecisionMinutes);
  const registered = [proposed(), decisionRegistered(KARLSTAD)];

  it('records justering and anslag of a registered decision', () => {
    spec(registered)
      .when(minutesCmd(KARLSTAD, { minutesApprovedOn: '2026-05-08', noticePostedOn: '2026-05-11' }))
      .then([minutesRecorded(KARLSTAD, { minutesApprovedOn: '2026-05-08', noticePostedOn: '2026-05-11' })]);
  });

  it('records the notice later, on its own', () => {
    spec([...registered, minutesRecorded(KARLSTAD, { minutesApprovedOn: '2026-05-08' })])
      .when(minutesCmd(KARLSTAD, { noticePostedOn: '2026-05-11' }))
      .then([minutesRecorded(KARLSTAD, { noticePostedOn: '2026-05-11' })]);
  });

  it('accepts justering later than 14 days after the meeting (flagged in the read model, not refused)', () => {
    spec(registered)
      .when(minutesCmd(KARLSTAD, { minutesApprovedOn: '2026-05-25' }))
      .then([minutesRecorded(KARLSTAD, { minutesApprovedOn: '2026-05-25' })]);
  });

  it('is possible after a cancellation: it is a fact about a decision taken', () => {
    spec([...registered, cancelled('2026-06-01')])
      .when(minutesCmd(KARLSTAD, { minutesApprovedOn: '2026-05-08' }))
      .then([minutesRecorded(KARLSTAD, { minutesApprovedOn: '2026-05-08' })]);
  });

  it('needs at least one of the dates', () => {
    spec(registered).when(minutesCmd(KARLSTAD, {})).thenThrows(InvalidInput, /minutesApprovedOn.*noticePostedOn/);
  });

  it('needs a registered decision of the party', () => {
    spec(registered)
      .when(minutesCmd(KIL, { minutesApprovedOn: '2026-05-08' }))
      .thenThrows(NoDecisionRegistered, /^Kil har inget registrerat beslut/);
  });

  it('refuses an unknown initiative and an unknown party', () => {
    spec([]).when(minutesCmd(KARLSTAD, { minutesApprovedOn: '2026-05-08' })).thenThrows(InitiativeNotFound);
    spec(registered).when(minutesCmd(UNKNOWN_PARTY, { minutesApprovedOn: '2026-05-08' })).thenThrows(InvalidInput, /Okänd part/);
  });

  it('refuses justering before the meeting, and dates in the future', () => {
    spec(registered).when(minutesCmd(KARLSTAD, { minutesApprovedOn: '2026-04-30' })).thenThrows(DateNotAllowed, /före beslutsdatumet/);
    spec(registered).when(minutesCmd(KARLSTAD, { minutesApprovedOn: TOMORROW })).thenThrows(DateNotAllowed, /i framtiden/);
    spec(registered).when(minutesCmd(KARLSTAD, { noticePostedOn: TOMORROW })).thenThrows(DateNotAllowed, /i framtiden/);
  });

  it('refuses a notice before the recorded justering', () => {
    spec([...registered, minutesRecorded(KARLSTAD, { minutesApprovedOn: '2026-05-08' })])
      .when(minutesCmd(KARLSTAD, { noticePostedOn: '2026-05-07' }))
      .thenThrows(DateNotAllowed, /före justeringsdatumet 2026-05-08/);
  });

  it('refuses to change a recorded date silently (409), saying how', () => {
    spec([...registered, minutesRecorded(KARLSTAD, { minutesApprovedOn: '2026-05-08' })])
      .when(minutesCmd(KARLSTAD, { minutesApprovedOn: '2026-05-09' }))
      .thenThrows(MinutesAlreadyRecorded, /justeringsdatumet 2026-05-08.*reason/);
  });

  it('changes a recorded date with a reason, as a correction', () => {
    spec([...registered, minutesRecorded(KARLSTAD, { minutesApprovedOn: '2026-05-08' })])
      .when(minutesCmd(KARLSTAD, { minutesApprovedOn: '2026-05-09', reason: ' Fel datum i registret. ' }))
      .then([minutesRecorded(KARLSTAD, { minutesApprovedOn: '2026-05-09', reason: 'Fel datum i registret.' })]);
  });

  it('refuses a request that changes nothing', () => {
    spec([...registered, minutesRecorded(KARLSTAD, { minutesApprovedOn: '2026-05-08' })])
      .when(minutesCmd(KARLSTAD, { minutesApprovedOn: '2026-05-08' }))
      .thenThrows(MinutesChangeNothing);
  });
});

describe('correctPartyDecision and the recorded minutes', () => {
  it('refuses to move the decision date after the recorded justering', () => {
    initiativeSpec((c: CorrectPartyDecision, s: VersionedState) => correctPartyDecision(c, s, TEST_TEXT_HASHER))([proposed(), decisionRegistered(KARLSTAD), minutesRecorded(KARLSTAD, { minutesApprovedOn: '2026-05-08' })])
      .when(correctCmd(KARLSTAD, { decidedOn: '2026-05-10' }))
      .thenThrows(DateNotAllowed, /justering eller anslag \(2026-05-08\)/);
  });
});

describe('lodgeAppeal', () => {
  const spec = initiativeSpec(lodgeAppeal);
  const registered = [proposed(), decisionRegistered(KARLSTAD)];

  it('records an appeal of a registered decision', () => {
    spec(registered).when(lodgeCmd(KARLSTAD, { lodgedOn: '2026-05-20' })).then([appealLodged(KARLSTAD, '2026-05-20')]);
  });

  it('accepts an appeal before the notice, and one after the window (it is recorded as a fact)', () => {
    spec([...registered, minutesRecorded(KARLSTAD, { minutesApprovedOn: '2026-05-08', noticePostedOn: '2026-05-11' })])
      .when(lodgeCmd(KARLSTAD, { lodgedOn: '2026-06-10' }))
      .then([appealLodged(KARLSTAD, '2026-06-10')]);
    spec(registered).when(lodgeCmd(KARLSTAD, { lodgedOn: '2026-05-02' })).then([appealLodged(KARLSTAD, '2026-05-02')]);
  });

  it('needs a registered decision', () => {
    spec(registered).when(lodgeCmd(KIL)).thenThrows(NoDecisionRegistered);
  });

  it('refuses an appeal before the decision or in the future', () => {
    spec(registered).when(lodgeCmd(KARLSTAD, { lodgedOn: '2026-04-30' })).thenThrows(DateNotAllowed, /före beslutsdatumet 2026-05-01/);
    spec(registered).when(lodgeCmd(KARLSTAD, { lodgedOn: TOMORROW })).thenThrows(DateNotAllowed, /i framtiden/);
  });

  it('needs the court and the case number', () => {
    spec(registered).when(lodgeCmd(KARLSTAD, { court: ' ' })).thenThrows(InvalidInput, /court/);
    spec(registered).when(lodgeCmd(KARLSTAD, { caseNumber: '' })).thenThrows(InvalidInput, /caseNumber/);
  });

  it('refuses the same case number twice (409)', () => {
    spec([...registered, appealLodged(KARLSTAD, '2026-05-20')]).when(lodgeCmd(KARLSTAD)).thenThrows(AppealAlreadyLodged, new RegExp(CASE));
  });

  it('takes a second appeal with another case number', () => {
    spec([...registered, appealLodged(KARLSTAD, '2026-05-20')])
      .when(lodgeCmd(KARLSTAD, { caseNumber: '999-26', court: COURT, lodgedOn: '2026-05-21' }))
      .then([appealLodged(KARLSTAD, '2026-05-21', { caseNumber: '999-26' })]);
  });
});

describe('decideAppeal', () => {
  const spec = initiativeSpec(decideAppeal);
  const appealed = [proposed(), decisionRegistered(KARLSTAD), appealLodged(KARLSTAD, '2026-05-20')];

  it('records the judgment: upheld or annulled', () => {
    spec(appealed).when(decideAppealCmd(KARLSTAD, { outcome: 'upheld', decidedOn: '2026-06-10' })).then([appealDecided(KARLSTAD, 'upheld', '2026-06-10')]);
    spec(appealed).when(decideAppealCmd(KARLSTAD, { outcome: 'annulled', decidedOn: '2026-06-10' })).then([appealDecided(KARLSTAD, 'annulled', '2026-06-10')]);
  });

  it('once only (409)', () => {
    spec([...appealed, appealDecided(KARLSTAD, 'upheld', '2026-06-10')])
      .when(decideAppealCmd(KARLSTAD, { outcome: 'annulled' }))
      .thenThrows(AppealAlreadyDecided, /avgjordes redan 2026-06-10/);
  });

  it('refuses an unknown case (404) and an unknown outcome (400)', () => {
    spec(appealed).when(decideAppealCmd(KARLSTAD, { caseNumber: '1-26' })).thenThrows(AppealNotFound, /1-26/);
    spec(appealed).when(decideAppealCmd(KARLSTAD, { outcome: 'rejected' as never })).thenThrows(InvalidInput, /upheld eller annulled/);
  });

  it('refuses a judgment before the appeal or in the future', () => {
    spec(appealed).when(decideAppealCmd(KARLSTAD, { decidedOn: '2026-05-19' })).thenThrows(DateNotAllowed, /före överklagandet 2026-05-20/);
    spec(appealed).when(decideAppealCmd(KARLSTAD, { decidedOn: TOMORROW }, at(NOW))).thenThrows(DateNotAllowed, /i framtiden/);
  });
});
