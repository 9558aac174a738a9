import { DateNotAllowed, InvalidInput } from '../errors';
import { foldFund, moneyOf } from '../fund/fund.state';
import { MSEK } from '../money';
import {
  ARVIKA,
  at,
  cancelCmd,
  cancelled,
  correctCmd,
  decisionCorrected,
  decisionRegistered,
  deposited,
  EDA,
  errorFrom,
  facts,
  granted,
  initiativeAfter,
  initiativeSpec,
  INITIATIVE_ID,
  KARLSTAD,
  KIL,
  NOW,
  outcomeReported,
  prepareCmd,
  prepared,
  proposeCmd,
  proposed,
  registerCmd,
  reportCmd,
  TODAY,
  TOMORROW,
  UNKNOWN_PARTY,
  TEST_TEXT_HASHER,
  TEXT_HASH_V1,
} from '../testing/fixtures';
import type { CorrectPartyDecision, RegisterPartyDecision } from './initiative.commands';
import type { InitiativeState as VersionedState } from './initiative.state';
import type { CancelInitiative } from './initiative.commands';
import type { InitiativeEvent } from './initiative.events';
import {
  cancelInitiative,
  correctPartyDecision,
  prepareInitiative,
  proposeInitiative,
  registerPartyDecision,
  reportOutcome,
} from './initiative.decide';
import {
  CorrectionChangesNothing,
  DecisionAlreadyRegistered,
  InitiativeAlreadyCancelled,
  InitiativeAlreadyExists,
  InitiativeAlreadyGranted,
  InitiativeCancelledError,
  InitiativeNotFound,
  NoDecisionToCorrect,
} from './initiative.errors';
import { foldInitiative, type InitiativeState } from './initiative.state';

const fieldOf = (fn: () => unknown): string => {
  const e = errorFrom(fn);
  expect(e).toBeInstanceOf(InvalidInput);
  return (e as InvalidInput).field;
};

// =============================================================================================
// Proposing an initiative
// =============================================================================================

describe('proposeInitiative', () => {
  const spec = initiativeSpec(proposeInitiative);

  describe('a valid proposal', () => {
    it('is recorded with its facts, the default deadline and empty co-financing', () => {
      spec([]).when(proposeCmd()).then([proposed()]);
    });

    it('trims the title and the summary', () => {
      spec([])
        .when(proposeCmd({ title: '  Gemensam kompetensplattform för Värmland\n', summary: ' Kort. ' }))
        .then([proposed({ summary: 'Kort.' })]);
    });

    it('keeps a strategy link to a focus area without a goal', () => {
      spec([])
        .when(proposeCmd({ strategyLinks: [{ area: 'Förbättra livsvillkoren' }] }))
        .then([proposed({ strategyLinks: [{ area: 'Förbättra livsvillkoren' }] })]);
    });

    it('keeps several strategy links, in order', () => {
      const links = [
        { area: 'Utveckla attraktiva platser', goal: 'Tillgänglig region' },
        { area: 'Stärka konkurrenskraften', goal: 'Jämställd och jämlik tillgång till makt och inflytande' },
      ];
      spec([]).when(proposeCmd({ strategyLinks: links })).then([proposed({ strategyLinks: links })]);
    });

    it('records only area and goal of a strategy link (no stray fields reach the log)', () => {
      const link = { area: 'Höja kompetensen', goal: 'Hållbar arbetsmarknad', note: 'x' } as { area: string; goal: string };
      spec([]).when(proposeCmd({ strategyLinks: [link] })).then([proposed()]);
    });

    it('may be proposed by Region Värmland as well as by any municipality', () => {
      spec([]).when(proposeCmd({ proposedBy: '17' })).then([proposed({ proposedBy: '17' })]);
      spec([]).when(proposeCmd({ proposedBy: '1785' })).then([proposed({ proposedBy: '1785' })]);
    });
  });

  describe('the proposing party', () => {
    it('must be one of the 17 parties', () => {
      spec([]).when(proposeCmd({ proposedBy: UNKNOWN_PARTY })).thenThrows(InvalidInput, /Okänd part: 9999/);
      expect(fieldOf(() => proposeInitiative(proposeCmd({ proposedBy: UNKNOWN_PARTY }), null))).toBe('proposedBy');
    });
  });

  describe('title and summary', () => {
    it.each(['', '   ', '\n\t'])('refuses the empty title %j', (title) => {
      spec([]).when(proposeCmd({ title })).thenThrows(InvalidInput, /title/);
      expect(fieldOf(() => proposeInitiative(proposeCmd({ title }), null))).toBe('title');
    });

    it('refuses an empty summary', () => {
      spec([]).when(proposeCmd({ summary: ' ' })).thenThrows(InvalidInput, /summary/);
    });
  });

  describe('the proposal date', () => {
    it('must be a real calendar date', () => {
      spec([]).when(proposeCmd({ proposedOn: '2026-02-30' })).thenThrows(InvalidInput, /proposedOn/);
      spec([]).when(proposeCmd({ proposedOn: '1/2/2026' })).thenThrows(InvalidInput, /ÅÅÅÅ-MM-DD/);
    });

    it('may be today', () => {
      spec([])
        .when(proposeCmd({ proposedOn: TODAY }))
        .then([proposed({ proposedOn: TODAY })]);
    });

    it('may not be in the future', () => {
      spec([]).when(proposeCmd({ proposedOn: TOMORROW })).thenThrows(DateNotAllowed, /2026-06-16.*framtiden/);
    });

    it('is judged on the day in Sweden: 23:30 UTC on 31 December is already New Year’s Day in Stockholm', () => {
      spec([])
        .when(proposeCmd({ proposedOn: '2022-01-01' }, at('2021-12-31T23:30:00Z')))
        .then([proposed({ proposedOn: '2022-01-01', decisionDeadline: '2022-12-31' })]);
    });

    it('is judged on the day in Sweden in summer time too (UTC+2)', () => {
      spec([])
        .when(proposeCmd({ proposedOn: '2022-07-01' }, at('2022-06-30T22:30:00Z')))
        .then([proposed({ proposedOn: '2022-07-01', decisionDeadline: '2022-12-31' })]);
      spec([])
        .when(proposeCmd({ proposedOn: '2022-07-01' }, at('2022-06-30T21:59:59Z')))
        .thenThrows(DateNotAllowed, /i dag är det 2022-06-30/);
    });
  });

  describe('the requested amount (integer öre)', () => {
    it('may be 0', () => {
      spec([])
        .when(proposeCmd({ requestedAmountOre: 0 }))
        .then([proposed({ requestedAmountOre: 0 })]);
    });

    it.each([
      ['negative', -1],
      ['fractional öre', 100.5],
      ['NaN', Number.NaN],
      ['infinite', Number.POSITIVE_INFINITY],
      ['beyond safe integers', Number.MAX_SAFE_INTEGER + 1],
    ])('refuses a %s amount', (_label, requestedAmountOre) => {
      spec([]).when(proposeCmd({ requestedAmountOre })).thenThrows(InvalidInput, /heltal öre/);
    });

    it('refuses an amount given as a string', () => {
      spec([])
        .when(proposeCmd({ requestedAmountOre: '100' as unknown as number }))
        .thenThrows(InvalidInput, /requestedAmountOre/);
    });
  });

  describe('the basis: Värmlandsstrategin or the regional transport programme', () => {
    it('refuses a goal that does not belong to its focus area, naming both', () => {
      spec([])
        .when(proposeCmd({ strategyLinks: [{ area: 'Höja kompetensen', goal: 'Ökad tillit' }] }))
        .thenThrows(InvalidInput, /Ökad tillit.*Höja kompetensen/);
    });

    it('names which link is wrong (1-based) and its field (0-based)', () => {
      const strategyLinks = [
        { area: 'Höja kompetensen', goal: 'Hållbar arbetsmarknad' },
        { area: 'Stärka konkurrenskraften', goal: 'Robust samhälle' },
      ];
      spec([]).when(proposeCmd({ strategyLinks })).thenThrows(InvalidInput, /^Strategikoppling 2:/);
      expect(fieldOf(() => proposeInitiative(proposeCmd({ strategyLinks }), null))).toBe('strategyLinks.1');
    });

    it('refuses an unknown focus area', () => {
      spec([])
        .when(proposeCmd({ strategyLinks: [{ area: 'Kultur och fritid' }] }))
        .thenThrows(InvalidInput, /"Kultur och fritid" är inget insatsområde/);
    });

    it('refuses a focus area spelt differently from the strategy', () => {
      spec([])
        .when(proposeCmd({ strategyLinks: [{ area: 'höja kompetensen' }] }))
        .thenThrows(InvalidInput, /insatsområde/);
    });

    it('refuses an initiative with neither strategy links nor the transport programme', () => {
      spec([])
        .when(proposeCmd({ strategyLinks: [], transportProgramme: false }))
        .thenThrows(InvalidInput, /Trafikförsörjningsprogrammets/);
      spec([])
        .when(proposeCmd({ strategyLinks: undefined, transportProgramme: undefined }))
        .thenThrows(InvalidInput, /Värmlandsstrategin/);
      expect(fieldOf(() => proposeInitiative(proposeCmd({ strategyLinks: [] }), null))).toBe('strategyLinks');
    });

    it('accepts the transport programme alone', () => {
      spec([])
        .when(proposeCmd({ strategyLinks: undefined, transportProgramme: true }))
        .then([proposed({ strategyLinks: [], transportProgramme: true })]);
    });

    it('accepts both together', () => {
      spec([])
        .when(proposeCmd({ transportProgramme: true }))
        .then([proposed({ transportProgramme: true })]);
    });

    it('treats a truthy non-boolean transportProgramme as not given', () => {
      spec([])
        .when(proposeCmd({ strategyLinks: [], transportProgramme: 'yes' as unknown as boolean }))
        .thenThrows(InvalidInput, /strategyLinks/);
    });
  });

  describe('the decision deadline', () => {
    it('defaults to 31 December of the proposal year', () => {
      spec([])
        .when(proposeCmd({ proposedOn: '2025-03-10', decisionDeadline: undefined }))
        .then([proposed({ proposedOn: '2025-03-10', decisionDeadline: '2025-12-31' })]);
    });

    it('defaults to the same day when proposed on 31 December', () => {
      spec([])
        .when(proposeCmd({ proposedOn: '2025-12-31' }))
        .then([proposed({ proposedOn: '2025-12-31', decisionDeadline: '2025-12-31' })]);
    });

    it('may be given explicitly, also in a later year', () => {
      spec([])
        .when(proposeCmd({ decisionDeadline: '2027-06-30' }))
        .then([proposed({ decisionDeadline: '2027-06-30' })]);
    });

    it('may be the proposal day itself', () => {
      spec([])
        .when(proposeCmd({ decisionDeadline: '2026-02-01' }))
        .then([proposed({ decisionDeadline: '2026-02-01' })]);
    });

    it('may not lie before the proposal date', () => {
      spec([])
        .when(proposeCmd({ decisionDeadline: '2026-01-31' }))
        .thenThrows(DateNotAllowed, /Beslutsfristen 2026-01-31 ligger före förslagsdatumet 2026-02-01/);
    });

    it('must be a real calendar date', () => {
      spec([]).when(proposeCmd({ decisionDeadline: '2026-12-32' })).thenThrows(InvalidInput, /decisionDeadline/);
    });
  });

  describe('co-financing lines', () => {
    it('are recorded with trimmed sources; 0 öre is allowed', () => {
      spec([])
        .when(
          proposeCmd({
            coFinancing: [
              { source: ' Tillväxtverket ', amountOre: 2 * MSEK },
              { source: 'Karlstads kommun', amountOre: 0 },
            ],
          }),
        )
        .then([
          proposed({
            coFinancing: [
              { source: 'Tillväxtverket', amountOre: 2 * MSEK },
              { source: 'Karlstads kommun', amountOre: 0 },
            ],
          }),
        ]);
    });

    it.each([-100, 0.5])('refuse the amount %p, naming the line', (amountOre) => {
      const coFinancing = [
        { source: 'Tillväxtverket', amountOre: MSEK },
        { source: 'EU', amountOre },
      ];
      spec([]).when(proposeCmd({ coFinancing })).thenThrows(InvalidInput, /hela öre/);
      expect(fieldOf(() => proposeInitiative(proposeCmd({ coFinancing }), null))).toBe('coFinancing.1.amountOre');
    });

    it('refuse an empty source', () => {
      const coFinancing = [{ source: '  ', amountOre: MSEK }];
      spec([]).when(proposeCmd({ coFinancing })).thenThrows(InvalidInput, /coFinancing\.0\.source/);
    });
  });

  describe('an initiative id', () => {
    it('can be proposed only once', () => {
      spec([proposed()]).when(proposeCmd()).thenThrows(InitiativeAlreadyExists, /init-1/);
    });

    it('stays taken after cancellation', () => {
      spec([proposed(), cancelled('2026-03-01')]).when(proposeCmd()).thenThrows(InitiativeAlreadyExists);
    });
  });
});

// =============================================================================================
// Preparation by VRAU / VRAG
// =============================================================================================

describe('prepareInitiative', () => {
  const spec = initiativeSpec(prepareInitiative);

  it('records the preparation; missing notes become null', () => {
    spec([proposed()]).when(prepareCmd()).then([prepared()]);
  });

  it('trims notes, and blank notes become null', () => {
    spec([proposed()])
      .when(prepareCmd({ preparedBy: 'VRAG', recommendation: 'none', notes: '  Behöver kompletteras. ' }))
      .then([prepared({ preparedBy: 'VRAG', recommendation: 'none', notes: 'Behöver kompletteras.' })]);
    spec([proposed()]).when(prepareCmd({ notes: '   ' })).then([prepared({ notes: null })]);
  });

  it('may be done on the proposal day and today', () => {
    spec([proposed()]).when(prepareCmd({ preparedOn: '2026-02-01' })).then([prepared({ preparedOn: '2026-02-01' })]);
    spec([proposed()]).when(prepareCmd({ preparedOn: TODAY })).then([prepared({ preparedOn: TODAY })]);
  });

  it('may be done more than once; each preparation is kept', () => {
    spec([proposed(), prepared()])
      .when(prepareCmd({ preparedBy: 'VRAG', preparedOn: '2026-04-01' }))
      .then([prepared({ preparedBy: 'VRAG', preparedOn: '2026-04-01' })]);
    const s = initiativeAfter(proposed(), prepared(), prepared({ preparedBy: 'VRAG', preparedOn: '2026-04-01' }));
    expect(s.preparations.map((p) => [p.preparedBy, p.preparedOn])).toEqual([
      ['VRAU', '2026-03-01'],
      ['VRAG', '2026-04-01'],
    ]);
  });

  it('is refused for an unknown initiative', () => {
    spec([]).when(prepareCmd()).thenThrows(InitiativeNotFound, /init-1/);
  });

  it('is refused after cancellation, naming the cancellation date', () => {
    spec([proposed(), cancelled('2026-02-20')])
      .when(prepareCmd())
      .thenThrows(InitiativeCancelledError, /återkallades 2026-02-20/);
  });

  it('is refused when dated before the proposal', () => {
    spec([proposed()])
      .when(prepareCmd({ preparedOn: '2026-01-31' }))
      .thenThrows(DateNotAllowed, /2026-01-31 ligger före initiativets förslagsdatum 2026-02-01/);
  });

  it('is refused when dated in the future', () => {
    spec([proposed()]).when(prepareCmd({ preparedOn: TOMORROW })).thenThrows(DateNotAllowed, /framtiden/);
  });

  it('is refused with an invalid date', () => {
    spec([proposed()]).when(prepareCmd({ preparedOn: '2026-13-01' })).thenThrows(InvalidInput, /preparedOn/);
  });
});

// =============================================================================================
// Registering a party's decision
// =============================================================================================

describe('registerPartyDecision', () => {
  const spec = initiativeSpec((c: RegisterPartyDecision, s: VersionedState) => registerPartyDecision(c, s, TEST_TEXT_HASHER));

  describe('a valid decision', () => {
    it('is recorded with registeredAt = the command time and caseNumber null when not given', () => {
      spec([proposed()]).when(registerCmd(KARLSTAD)).then([decisionRegistered(KARLSTAD, { registeredAt: NOW })]);
    });

    it('keeps a trimmed case number, body and minute reference', () => {
      spec([proposed()])
        .when(
          registerCmd(KARLSTAD, {
            outcome: 'rejected',
            caseNumber: ' KS-2026/0412 ',
            body: ' kommunstyrelsen ',
            minuteReference: ' § 7 ',
          }),
        )
        .then([
          decisionRegistered(KARLSTAD, {
            outcome: 'rejected',
            caseNumber: 'KS-2026/0412',
            body: 'kommunstyrelsen',
            minuteReference: '§ 7',
          }),
        ]);
    });

    it.each([null, '', '   '])('treats the case number %j as not given (null)', (caseNumber) => {
      spec([proposed()]).when(registerCmd(KARLSTAD, { caseNumber })).then([decisionRegistered(KARLSTAD)]);
    });

    it('keeps both times: a December decision registered in January', () => {
      const now = '2027-01-12T08:15:00Z';
      spec([proposed()])
        .when(registerCmd(EDA, { decidedOn: '2026-12-14' }, at(now)))
        .then([decisionRegistered(EDA, { decidedOn: '2026-12-14', registeredAt: now })]);
    });

    it('lets every party register its own decision independently', () => {
      spec([proposed(), decisionRegistered(KARLSTAD)])
        .when(registerCmd(KIL, { outcome: 'rejected' }))
        .then([decisionRegistered(KIL, { outcome: 'rejected' })]);
    });

    it('is folded into the state as the party’s decision, without corrections', () => {
      const s = initiativeAfter(proposed(), decisionRegistered(KARLSTAD, { caseNumber: 'KS-1' }));
      expect(s.decisions.get(KARLSTAD)).toEqual({
        ...facts(KARLSTAD, { caseNumber: 'KS-1' }),
        registeredAt: NOW,
        corrections: [],
        minutesApprovedOn: null,
        noticePostedOn: null,
        appeals: [],
        proposalVersion: 1,
        textHash: TEXT_HASH_V1,
      });
      expect(s.decisions.get(KIL)).toBeUndefined();
    });
  });

  describe('one decision per party', () => {
    it('refuses a second decision of the same party, naming the party', () => {
      spec([proposed(), decisionRegistered(KARLSTAD)])
        .when(registerCmd(KARLSTAD, { outcome: 'rejected', decidedOn: '2026-05-02' }))
        .thenThrows(DecisionAlreadyRegistered, /^Karlstad har redan ett registrerat beslut/);
    });

    it('refuses the same decision registered twice', () => {
      spec([proposed(), decisionRegistered(KARLSTAD)])
        .when(registerCmd(KARLSTAD))
        .thenThrows(DecisionAlreadyRegistered, /rättelse/);
    });

    it('refuses a second decision even after the first was corrected', () => {
      spec([proposed(), decisionRegistered(ARVIKA), decisionCorrected(ARVIKA, { decidedOn: '2026-05-03' })])
        .when(registerCmd(ARVIKA))
        .thenThrows(DecisionAlreadyRegistered, /Arvika/);
    });
  });

  describe('the decision date', () => {
    it('may be the proposal day and today', () => {
      spec([proposed()])
        .when(registerCmd(KARLSTAD, { decidedOn: '2026-02-01' }))
        .then([decisionRegistered(KARLSTAD, { decidedOn: '2026-02-01' })]);
      spec([proposed()])
        .when(registerCmd(KARLSTAD, { decidedOn: TODAY }))
        .then([decisionRegistered(KARLSTAD, { decidedOn: TODAY })]);
    });

    it('may not lie before the proposal', () => {
      spec([proposed()])
        .when(registerCmd(KARLSTAD, { decidedOn: '2026-01-31' }))
        .thenThrows(DateNotAllowed, /Beslutsdatumet 2026-01-31 ligger före initiativets förslagsdatum 2026-02-01/);
    });

    it('may not lie after today', () => {
      spec([proposed()])
        .when(registerCmd(KARLSTAD, { decidedOn: TOMORROW }))
        .thenThrows(DateNotAllowed, /Beslutsdatumet 2026-06-16 ligger i framtiden \(i dag är det 2026-06-15\)/);
    });

    it('today is the day in Sweden, not in UTC', () => {
      spec([proposed()])
        .when(registerCmd(KARLSTAD, { decidedOn: '2027-01-01' }, at('2026-12-31T23:30:00Z')))
        .then([decisionRegistered(KARLSTAD, { decidedOn: '2027-01-01', registeredAt: '2026-12-31T23:30:00Z' })]);
    });

    it('after the deadline is still recorded (a fact; it just does not count towards consensus)', () => {
      spec([proposed({ decisionDeadline: '2026-03-31' })])
        .when(registerCmd(KARLSTAD, { decidedOn: '2026-04-15' }))
        .then([decisionRegistered(KARLSTAD, { decidedOn: '2026-04-15' })]);
    });

    it('must be a real calendar date', () => {
      spec([proposed()]).when(registerCmd(KARLSTAD, { decidedOn: '2026-02-29' })).thenThrows(InvalidInput, /decidedOn/);
    });
  });

  describe('the facts of the decision', () => {
    it('refuses an unknown party', () => {
      spec([proposed()]).when(registerCmd(UNKNOWN_PARTY)).thenThrows(InvalidInput, /Okänd part: 9999/);
    });

    it.each(['', '  '])('refuses the empty body %j', (body) => {
      spec([proposed()]).when(registerCmd(KARLSTAD, { body })).thenThrows(InvalidInput, /body får inte vara tomt/);
    });

    it('refuses an empty minute reference', () => {
      spec([proposed()])
        .when(registerCmd(KARLSTAD, { minuteReference: ' ' }))
        .thenThrows(InvalidInput, /minuteReference/);
    });

    it.each(['approve', 'yes', ''])('refuses the outcome %j (only approved/rejected)', (outcome) => {
      spec([proposed()])
        .when(registerCmd(KARLSTAD, { outcome: outcome as 'approved' }))
        .thenThrows(InvalidInput, /outcome/);
    });
  });

  describe('the initiative', () => {
    it('must exist', () => {
      spec([]).when(registerCmd(KARLSTAD)).thenThrows(InitiativeNotFound, /init-1/);
    });

    it('must not be cancelled', () => {
      spec([proposed(), cancelled('2026-04-01')])
        .when(registerCmd(KARLSTAD, { decidedOn: '2026-03-15' }))
        .thenThrows(InitiativeCancelledError, /2026-04-01/);
    });
  });
});

// =============================================================================================
// Correcting a registered decision
// =============================================================================================

describe('correctPartyDecision', () => {
  const spec = initiativeSpec((c: CorrectPartyDecision, s: VersionedState) => correctPartyDecision(c, s, TEST_TEXT_HASHER));
  const registered = [proposed(), decisionRegistered(KARLSTAD)];

  describe('a valid correction', () => {
    it('is recorded with the corrected facts, the trimmed reason and correctedAt = the command time', () => {
      spec(registered)
        .when(correctCmd(KARLSTAD, { decidedOn: '2026-05-03', reason: '  Fel sammanträdesdag.  ' }))
        .then([decisionCorrected(KARLSTAD, { decidedOn: '2026-05-03', reason: 'Fel sammanträdesdag.', correctedAt: NOW })]);
    });

    it.each([
      ['outcome', { outcome: 'rejected' as const }],
      ['decision date', { decidedOn: '2026-04-30' }],
      ['body', { body: 'kommunstyrelsen' }],
      ['minute reference', { minuteReference: '§ 113' }],
      ['case number', { caseNumber: 'KS-2026/1' }],
    ])('may change only the %s', (_label, change) => {
      spec(registered)
        .when(correctCmd(KARLSTAD, change))
        .then([decisionCorrected(KARLSTAD, change)]);
    });

    it('may remove a case number (blank becomes null)', () => {
      spec([proposed(), decisionRegistered(KARLSTAD, { caseNumber: 'KS-1' })])
        .when(correctCmd(KARLSTAD, { caseNumber: '' }))
        .then([decisionCorrected(KARLSTAD, { caseNumber: null })]);
    });

    it('stays possible after the initiative is cancelled (it fixes the record)', () => {
      spec([...registered, cancelled('2026-05-10')])
        .when(correctCmd(KARLSTAD, { outcome: 'rejected' }))
        .then([decisionCorrected(KARLSTAD, { outcome: 'rejected' })]);
    });

    it('is compared with the decision as it stands after earlier corrections', () => {
      const history = [...registered, decisionCorrected(KARLSTAD, { decidedOn: '2026-05-03' })];
      spec(history).when(correctCmd(KARLSTAD, { decidedOn: '2026-05-03' })).thenThrows(CorrectionChangesNothing);
      spec(history)
        .when(correctCmd(KARLSTAD, { decidedOn: '2026-05-01', reason: 'Rättelsen var fel.' }))
        .then([decisionCorrected(KARLSTAD, { decidedOn: '2026-05-01', reason: 'Rättelsen var fel.' })]);
    });
  });

  describe('evolve keeps the history', () => {
    it('applies the correction but keeps the previous facts, the reason and the registration time', () => {
      const registeredAt = '2026-05-02T09:00:00Z';
      const s = initiativeAfter(
        proposed(),
        decisionRegistered(KARLSTAD, { registeredAt }),
        decisionCorrected(KARLSTAD, { outcome: 'rejected', reason: 'Fel utfall.', correctedAt: '2026-05-05T12:00:00Z' }),
      );
      expect(s.decisions.get(KARLSTAD)).toEqual({
        ...facts(KARLSTAD, { outcome: 'rejected' }),
        registeredAt,
        corrections: [{ reason: 'Fel utfall.', correctedAt: '2026-05-05T12:00:00Z', previous: facts(KARLSTAD) }],
        minutesApprovedOn: null,
        noticePostedOn: null,
        appeals: [],
        proposalVersion: 1,
        textHash: TEXT_HASH_V1,
      });
    });

    it('chains corrections, each keeping the facts it replaced', () => {
      const s = initiativeAfter(
        proposed(),
        decisionRegistered(KARLSTAD),
        decisionCorrected(KARLSTAD, { outcome: 'rejected', reason: 'Första' }),
        decisionCorrected(KARLSTAD, { outcome: 'rejected', decidedOn: '2026-05-02', reason: 'Andra' }),
      );
      const d = s.decisions.get(KARLSTAD)!;
      expect([d.outcome, d.decidedOn]).toEqual(['rejected', '2026-05-02']);
      expect(d.corrections.map((c) => [c.reason, c.previous.outcome, c.previous.decidedOn])).toEqual([
        ['Första', 'approved', '2026-05-01'],
        ['Andra', 'rejected', '2026-05-01'],
      ]);
    });
  });

  describe('refusals', () => {
    it('needs a registered decision to correct, naming the party', () => {
      spec(registered)
        .when(correctCmd(KIL))
        .thenThrows(NoDecisionToCorrect, /^Kil har inget registrerat beslut/);
    });

    it('refuses a correction identical to the registered decision, naming the party', () => {
      spec(registered).when(correctCmd(KARLSTAD)).thenThrows(CorrectionChangesNothing, /Karlstads beslut är identisk/);
    });

    it('sees whitespace and a missing case number as no change', () => {
      spec(registered)
        .when(correctCmd(KARLSTAD, { body: ' kommunfullmäktige ', minuteReference: '§ 112 ', caseNumber: undefined }))
        .thenThrows(CorrectionChangesNothing);
    });

    it.each(['', '   '])('requires a reason (refuses %j)', (reason) => {
      spec(registered).when(correctCmd(KARLSTAD, { outcome: 'rejected', reason })).thenThrows(InvalidInput, /reason/);
      expect(fieldOf(() => correctPartyDecision(correctCmd(KARLSTAD, { reason }), foldInitiative(registered), TEST_TEXT_HASHER))).toBe('reason');
    });

    it('refuses a corrected date before the proposal or in the future', () => {
      spec(registered).when(correctCmd(KARLSTAD, { decidedOn: '2026-01-15' })).thenThrows(DateNotAllowed, /förslagsdatum/);
      spec(registered).when(correctCmd(KARLSTAD, { decidedOn: TOMORROW })).thenThrows(DateNotAllowed, /framtiden/);
    });

    it('refuses an empty body in the correction', () => {
      spec(registered).when(correctCmd(KARLSTAD, { body: '' })).thenThrows(InvalidInput, /body/);
    });

    it('refuses an unknown initiative', () => {
      spec([]).when(correctCmd(KARLSTAD)).thenThrows(InitiativeNotFound);
    });
  });
});

// =============================================================================================
// Cancelling (withdrawal by the proposer)
// =============================================================================================

describe('cancelInitiative', () => {
  /** `grantedOre` comes from the fund's ledger; here from a real folded fund. */
  const withFund = (fundEvents: Parameters<typeof foldFund>[0]) =>
    initiativeSpec((c: CancelInitiative, s: InitiativeState) =>
      cancelInitiative(c, s, moneyOf(foldFund(fundEvents), INITIATIVE_ID).grantedOre),
    );
  const spec = withFund([]);

  it('records the cancellation with its date and trimmed reason', () => {
    spec([proposed()])
      .when(cancelCmd({ reason: '  Ersätts av ett nytt initiativ. ' }))
      .then([cancelled('2026-06-01', { reason: 'Ersätts av ett nytt initiativ.' })]);
  });

  it('is folded into the state', () => {
    expect(initiativeAfter(proposed(), cancelled('2026-06-01')).cancellation).toEqual({
      reason: 'Förslagsställaren drar tillbaka initiativet.',
      cancelledOn: '2026-06-01',
    });
  });

  it('is allowed after decisions, as long as the fund has granted this initiative nothing', () => {
    withFund([deposited(10 * MSEK, '2026-01-10'), granted(MSEK, '2026-05-10', 'another-initiative')])([
      proposed(),
      decisionRegistered(KARLSTAD),
    ])
      .when(cancelCmd())
      .then([cancelled('2026-06-01')]);
  });

  it('is refused once the fund has granted money to the initiative', () => {
    withFund([deposited(10 * MSEK, '2026-01-10'), granted(MSEK, '2026-05-10')])([proposed()])
      .when(cancelCmd())
      .thenThrows(InitiativeAlreadyGranted, /beviljats medel/);
  });

  it('is refused with any granted amount, however small', () => {
    initiativeSpec((c: CancelInitiative, s: InitiativeState) =>
      cancelInitiative(c, s, 1),
    )([proposed()])
      .when(cancelCmd())
      .thenThrows(InitiativeAlreadyGranted);
  });

  it('is refused when already cancelled', () => {
    spec([proposed(), cancelled('2026-03-01')]).when(cancelCmd()).thenThrows(InitiativeAlreadyCancelled, /redan återkallat/);
  });

  it('may be dated on the proposal day and today, not before or after', () => {
    spec([proposed()]).when(cancelCmd({ cancelledOn: '2026-02-01' })).then([cancelled('2026-02-01')]);
    spec([proposed()]).when(cancelCmd({ cancelledOn: TODAY })).then([cancelled(TODAY)]);
    spec([proposed()])
      .when(cancelCmd({ cancelledOn: '2026-01-31' }))
      .thenThrows(DateNotAllowed, /Återkallelsedatumet 2026-01-31 ligger före/);
    spec([proposed()]).when(cancelCmd({ cancelledOn: TOMORROW })).thenThrows(DateNotAllowed, /framtiden/);
  });

  it('needs a reason', () => {
    spec([proposed()]).when(cancelCmd({ reason: ' ' })).thenThrows(InvalidInput, /reason/);
  });

  it('needs a valid date', () => {
    spec([proposed()]).when(cancelCmd({ cancelledOn: 'igår' })).thenThrows(InvalidInput, /cancelledOn/);
  });

  it('is refused for an unknown initiative', () => {
    spec([]).when(cancelCmd()).thenThrows(InitiativeNotFound);
  });
});

// =============================================================================================
// Yearly outcome reports (VRAG)
// =============================================================================================

describe('reportOutcome', () => {
  const spec = initiativeSpec(reportOutcome);
  const since2024: InitiativeEvent[] = [proposed({ proposedOn: '2024-09-01', decisionDeadline: '2024-12-31' })];

  it('records the report with reportedAt = the command time and a trimmed summary', () => {
    spec(since2024)
      .when(reportCmd({ year: 2025, summary: ' Bra år. ' }))
      .then([outcomeReported(2025, { summary: 'Bra år.', reportedAt: NOW })]);
  });

  it('accepts the proposal year and the current year (the range is inclusive)', () => {
    spec(since2024).when(reportCmd({ year: 2024 })).then([outcomeReported(2024)]);
    spec(since2024).when(reportCmd({ year: 2026 })).then([outcomeReported(2026)]);
  });

  it('refuses a year before the proposal year, naming the range', () => {
    spec(since2024)
      .when(reportCmd({ year: 2023 }))
      .thenThrows(DateNotAllowed, /Rapportåret 2023 måste ligga mellan .* 2024 och innevarande år 2026/);
  });

  it('refuses a year after the current year', () => {
    spec(since2024).when(reportCmd({ year: 2027 })).thenThrows(DateNotAllowed, /2027/);
  });

  it('knows the current year in Sweden: 23:30 UTC on New Year’s Eve is already next year', () => {
    const now = '2026-12-31T23:30:00Z';
    spec(since2024).when(reportCmd({ year: 2027 }, at(now))).then([outcomeReported(2027, { reportedAt: now })]);
  });

  it('refuses a year that is not an integer', () => {
    spec(since2024).when(reportCmd({ year: 2025.5 })).thenThrows(DateNotAllowed);
  });

  it('needs a summary', () => {
    spec(since2024).when(reportCmd({ year: 2025, summary: '' })).thenThrows(InvalidInput, /summary/);
  });

  it('is refused for a cancelled or unknown initiative', () => {
    spec([...since2024, cancelled('2024-10-01')]).when(reportCmd({ year: 2025 })).thenThrows(InitiativeCancelledError);
    spec([]).when(reportCmd()).thenThrows(InitiativeNotFound);
  });

  it('keeps every report in the state, several per year allowed', () => {
    const s = initiativeAfter(...since2024, outcomeReported(2025), outcomeReported(2025, { summary: 'Tillägg.' }));
    expect(s.outcomeReports).toEqual([
      { year: 2025, summary: '120 deltagare, 14 arbetsgivare.', reportedAt: NOW },
      { year: 2025, summary: 'Tillägg.', reportedAt: NOW },
    ]);
  });
});
