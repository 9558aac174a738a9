import { DateNotAllowed, InvalidInput } from '../errors';
import { InitiativeCancelledError, InitiativeNotFound } from '../initiative/initiative.errors';
import type { InitiativeEvent } from '../initiative/initiative.events';
import type { InitiativeState } from '../initiative/initiative.state';
import { MSEK } from '../money';
import {
  allApproveExcept,
  allSeventeenApprove,
  approvedBy,
  ARVIKA,
  at,
  awardCmd,
  cancelled,
  closeYearCmd,
  depositCmd,
  deposited,
  EDA,
  fundSpec,
  granted,
  initiativeAfter,
  INITIATIVE_ID,
  KARLSTAD,
  NOW,
  OTHER_INITIATIVE_ID,
  proposed,
  REGION,
  rejectedBy,
  REQUESTED_ORE,
  returnCmd,
  returned,
  TODAY,
  TOMORROW,
  withdrawCmd,
  withdrawn,
  yearClosed,
} from '../testing/fixtures';
import type { AwardGrant } from './fund.commands';
import { awardGrant, closeYear, depositToFund, returnToFund, withdrawFromFund } from './fund.decide';
import {
  GrantExceedsRequest,
  InsufficientAvailableFunds,
  InsufficientBalance,
  NoConsensus,
  NotGranted,
  ReturnExceedsWithdrawn,
  WithdrawalExceedsGrant,
  YearAlreadyClosed,
  YearCannotBeClosed,
  YearClosedError,
} from './fund.errors';
import type { FundEvent } from './fund.events';
import { availableOre, emptyFund, evolveFund, foldFund, moneyOf, type Fund } from './fund.state';

/**
 * The standard initiative: proposed 2026-02-01, 5 MSEK requested, deadline 2026-12-31,
 * approved by all 17 parties on 2026-05-01 (so consensus from that day).
 */
const withConsensus = (...more: InitiativeEvent[]) =>
  initiativeAfter(proposed(), ...allSeventeenApprove('2026-05-01'), ...more);

/** A grant is decided against the fund and the initiative's own state. */
const grantSpec = (initiative: InitiativeState) =>
  fundSpec((c: AwardGrant, f: Fund) => awardGrant(c, f, initiative));

/** A funded fund: 10 MSEK deposited on 2026-01-15. */
const funded: FundEvent[] = [deposited(10 * MSEK, '2026-01-15')];
/** …and 3 MSEK granted to the standard initiative on 2026-05-10. */
const fundedAndGranted: FundEvent[] = [...funded, granted(3 * MSEK, '2026-05-10')];

// =============================================================================================
// Deposits
// =============================================================================================

describe('depositToFund', () => {
  const spec = fundSpec(depositToFund);

  it('records a deposit with trimmed source and reference', () => {
    spec([])
      .when(depositCmd({ source: ' Värmlandstrafik AB ', reference: ' VER-2022-001 ' }))
      .then([deposited(10 * MSEK, '2026-01-15', { source: 'Värmlandstrafik AB', reference: 'VER-2022-001' })]);
  });

  it('accepts a single öre and DGR’s whole 200 MSEK', () => {
    spec([]).when(depositCmd({ amountOre: 1 })).then([deposited(1, '2026-01-15')]);
    spec([]).when(depositCmd({ amountOre: 200 * MSEK })).then([deposited(200 * MSEK, '2026-01-15')]);
  });

  describe('the amount must be a positive integer number of öre', () => {
    it.each([
      ['zero', 0],
      ['negative', -100],
      ['fractional', 10.5],
      ['NaN', Number.NaN],
      ['infinite', Number.POSITIVE_INFINITY],
      ['beyond safe integers', Number.MAX_SAFE_INTEGER + 1],
      ['a string', '100' as unknown as number],
    ])('refuses %s', (_label, amountOre) => {
      spec([]).when(depositCmd({ amountOre })).thenThrows(InvalidInput, /positivt heltal öre/);
    });
  });

  it('needs a source and a reference', () => {
    spec([]).when(depositCmd({ source: '' })).thenThrows(InvalidInput, /source/);
    spec([]).when(depositCmd({ reference: '  ' })).thenThrows(InvalidInput, /reference/);
  });

  describe('the booking date', () => {
    it('may be today but not in the future (in Sweden)', () => {
      spec([]).when(depositCmd({ bookedOn: TODAY })).then([deposited(10 * MSEK, TODAY)]);
      spec([]).when(depositCmd({ bookedOn: TOMORROW })).thenThrows(DateNotAllowed, /bookedOn 2026-06-16 ligger i framtiden/);
      spec([])
        .when(depositCmd({ bookedOn: '2022-01-01' }, at('2021-12-31T23:30:00Z')))
        .then([deposited(10 * MSEK, '2022-01-01')]);
    });

    it('must be a real date', () => {
      spec([]).when(depositCmd({ bookedOn: '2026-02-30' })).thenThrows(InvalidInput, /bookedOn/);
    });

    it('may lie in a year before the first booking while nothing is closed', () => {
      spec([deposited(MSEK, '2025-03-01')])
        .when(depositCmd({ bookedOn: '2024-12-31' }))
        .then([deposited(10 * MSEK, '2024-12-31')]);
    });
  });
});

// =============================================================================================
// Closed years take no bookings (deposits, withdrawals, returns alike)
// =============================================================================================

describe('a closed year takes no more bookings', () => {
  const closed2024: FundEvent[] = [
    deposited(10 * MSEK, '2024-01-15'),
    granted(3 * MSEK, '2024-03-01'),
    withdrawn(2 * MSEK, '2024-04-01'),
    yearClosed(2024),
  ];

  it('refuses a deposit dated in the closed year, naming the closed year', () => {
    fundSpec(depositToFund)(closed2024)
      .when(depositCmd({ bookedOn: '2024-12-31' }))
      .thenThrows(YearClosedError, /2024-12-31 ligger i ett stängt år: år 2024 och tidigare är stängda/);
  });

  it('refuses a booking dated in a year before the last closed one', () => {
    fundSpec(depositToFund)(closed2024)
      .when(depositCmd({ bookedOn: '2023-06-01' }))
      .thenThrows(YearClosedError, /2023-06-01/);
  });

  it('accepts a booking on the first day after the closed year', () => {
    fundSpec(depositToFund)(closed2024)
      .when(depositCmd({ bookedOn: '2025-01-01' }))
      .then([deposited(10 * MSEK, '2025-01-01')]);
  });

  it('refuses a withdrawal dated in the closed year', () => {
    fundSpec(withdrawFromFund)(closed2024)
      .when(withdrawCmd({ amountOre: MSEK, bookedOn: '2024-12-30' }))
      .thenThrows(YearClosedError);
  });

  it('refuses a return dated in the closed year', () => {
    fundSpec(returnToFund)(closed2024)
      .when(returnCmd({ amountOre: MSEK, bookedOn: '2024-11-01' }))
      .thenThrows(YearClosedError);
    fundSpec(returnToFund)(closed2024)
      .when(returnCmd({ amountOre: MSEK, bookedOn: '2025-02-01' }))
      .then([returned(MSEK, '2025-02-01')]);
  });
});

// =============================================================================================
// Grants
// =============================================================================================

describe('awardGrant', () => {
  describe('a valid grant', () => {
    it('is recorded for an initiative with consensus as of the grant’s date', () => {
      grantSpec(withConsensus())(funded)
        .when(awardCmd({ reference: ' RS 2026/12 ' }))
        .then([granted(3 * MSEK, '2026-05-10')]);
    });

    it('may be decided on the very day consensus was reached', () => {
      grantSpec(withConsensus())(funded)
        .when(awardCmd({ decidedOn: '2026-05-01' }))
        .then([granted(3 * MSEK, '2026-05-01')]);
    });

    it('may grant exactly the requested amount', () => {
      grantSpec(withConsensus())(funded)
        .when(awardCmd({ amountOre: REQUESTED_ORE }))
        .then([granted(REQUESTED_ORE, '2026-05-10')]);
    });

    it('may grant exactly what is available', () => {
      grantSpec(withConsensus())([deposited(2 * MSEK, '2026-01-15')])
        .when(awardCmd({ amountOre: 2 * MSEK }))
        .then([granted(2 * MSEK, '2026-05-10')]);
    });

    it('may be decided after the deadline, when consensus was reached before it', () => {
      grantSpec(withConsensus())(funded)
        .when(awardCmd({ decidedOn: '2027-02-01' }, at('2027-02-01T09:00:00Z')))
        .then([granted(3 * MSEK, '2027-02-01')]);
    });
  });

  describe('consensus as of the grant’s date', () => {
    it('is required: missing decisions are named', () => {
      const initiative = initiativeAfter(proposed(), ...allApproveExcept([EDA, KARLSTAD], '2026-05-01'));
      grantSpec(initiative)(funded)
        .when(awardCmd())
        .thenThrows(NoConsensus, /har inte konsensus per 2026-05-10: beslut saknas från Eda, Karlstad\./);
    });

    it('is judged on the grant’s date: approvals dated after it do not count yet', () => {
      grantSpec(withConsensus())(funded)
        .when(awardCmd({ decidedOn: '2026-04-30' }))
        .thenThrows(NoConsensus, /per 2026-04-30: beslut saknas från Region Värmland, Kil, Eda/);
    });

    it('a rejection blocks the grant, and the rejecting party is named', () => {
      const initiative = initiativeAfter(proposed(), ...allApproveExcept([ARVIKA], '2026-05-01'), rejectedBy(ARVIKA, '2026-05-02'));
      grantSpec(initiative)(funded).when(awardCmd()).thenThrows(NoConsensus, /Arvika har avslagit det/);
    });

    it('a lapsed initiative (decision missing at the deadline) cannot be granted', () => {
      const initiative = initiativeAfter(
        proposed({ decisionDeadline: '2026-04-30' }),
        ...allApproveExcept([REGION], '2026-03-01'),
      );
      grantSpec(initiative)(funded)
        .when(awardCmd())
        .thenThrows(NoConsensus, /beslut saknas från Region Värmland\./);
    });

    it('an approval dated after the deadline does not count', () => {
      const initiative = initiativeAfter(
        proposed({ decisionDeadline: '2026-04-30' }),
        ...allApproveExcept([KARLSTAD], '2026-03-01'),
        approvedBy(KARLSTAD, '2026-05-05'),
      );
      grantSpec(initiative)(funded).when(awardCmd()).thenThrows(NoConsensus, /Karlstad/);
    });
  });

  describe('the initiative', () => {
    it('must exist', () => {
      grantSpec(null)(funded).when(awardCmd({ initiativeId: 'nope' })).thenThrows(InitiativeNotFound, /nope/);
    });

    it('must not be cancelled, even with consensus', () => {
      grantSpec(withConsensus(cancelled('2026-05-05')))(funded)
        .when(awardCmd())
        .thenThrows(InitiativeCancelledError, /återkallades 2026-05-05/);
    });
  });

  describe('the total granted may not exceed the requested amount', () => {
    it('refuses a single grant over the request, naming both amounts', () => {
      grantSpec(withConsensus())(funded)
        .when(awardCmd({ amountOre: REQUESTED_ORE + 1 }))
        .thenThrows(GrantExceedsRequest, /skulle bli 5 000 000,01 kr, men initiativet söker 5 000 000,00 kr\.$/);
    });

    it('counts earlier grants: 3 MSEK + 2 MSEK and one öre is too much', () => {
      grantSpec(withConsensus())(fundedAndGranted)
        .when(awardCmd({ amountOre: 2 * MSEK + 1 }))
        .thenThrows(GrantExceedsRequest, /\(redan beviljat: 3 000 000,00 kr\)/);
    });

    it('allows a second grant up to the request', () => {
      grantSpec(withConsensus())(fundedAndGranted)
        .when(awardCmd({ amountOre: 2 * MSEK, decidedOn: '2026-06-01' }))
        .then([granted(2 * MSEK, '2026-06-01')]);
    });

    it('counts only grants to this initiative', () => {
      grantSpec(withConsensus())([...funded, granted(4 * MSEK, '2026-05-10', OTHER_INITIATIVE_ID)])
        .when(awardCmd({ amountOre: REQUESTED_ORE - 4 * MSEK + 1 }))
        .then([granted(REQUESTED_ORE - 4 * MSEK + 1, '2026-05-10')]);
    });

    it('a request of 0 öre can receive no grant', () => {
      const initiative = initiativeAfter(proposed({ requestedAmountOre: 0 }), ...allSeventeenApprove('2026-05-01'));
      grantSpec(initiative)(funded).when(awardCmd({ amountOre: 1 })).thenThrows(GrantExceedsRequest, /0,00 kr/);
    });
  });

  describe('a grant may not exceed what is available (balance − committed)', () => {
    it('refuses more than the balance', () => {
      grantSpec(withConsensus())([deposited(2 * MSEK, '2026-01-15')])
        .when(awardCmd({ amountOre: 2 * MSEK + 1 }))
        .thenThrows(InsufficientAvailableFunds, /Fonden har 2 000 000,00 kr disponibelt/);
    });

    it('counts money granted to others and not yet paid out as committed', () => {
      grantSpec(withConsensus())([...funded, granted(8 * MSEK, '2026-03-01', OTHER_INITIATIVE_ID)])
        .when(awardCmd({ amountOre: 3 * MSEK }))
        .thenThrows(
          InsufficientAvailableFunds,
          /2 000 000,00 kr disponibelt \(saldo 10 000 000,00 kr minus beviljat men ej utbetalt 8 000 000,00 kr\); 3 000 000,00 kr kan inte beviljas/,
        );
    });

    it('a payment out does not free money: balance and committed fall together', () => {
      const events = [...funded, granted(8 * MSEK, '2026-03-01', OTHER_INITIATIVE_ID), withdrawn(5 * MSEK, '2026-03-10', OTHER_INITIATIVE_ID)];
      grantSpec(withConsensus())(events).when(awardCmd({ amountOre: 2 * MSEK + 1 })).thenThrows(InsufficientAvailableFunds);
      grantSpec(withConsensus())(events).when(awardCmd({ amountOre: 2 * MSEK })).then([granted(2 * MSEK, '2026-05-10')]);
    });

    it('a return does free money', () => {
      const events = [
        ...funded,
        granted(8 * MSEK, '2026-03-01', OTHER_INITIATIVE_ID),
        withdrawn(8 * MSEK, '2026-03-10', OTHER_INITIATIVE_ID),
        returned(MSEK, '2026-04-10', OTHER_INITIATIVE_ID),
      ];
      grantSpec(withConsensus())(events).when(awardCmd({ amountOre: 3 * MSEK })).then([granted(3 * MSEK, '2026-05-10')]);
    });

    it('an empty fund can grant nothing', () => {
      grantSpec(withConsensus())([]).when(awardCmd({ amountOre: 1 })).thenThrows(InsufficientAvailableFunds, /0,00 kr disponibelt/);
    });
  });

  describe('input', () => {
    it.each([0, -1, 0.5])('refuses the amount %p', (amountOre) => {
      grantSpec(withConsensus())(funded).when(awardCmd({ amountOre })).thenThrows(InvalidInput, /amountOre/);
    });

    it('refuses a decision date in the future or not a date', () => {
      grantSpec(withConsensus())(funded).when(awardCmd({ decidedOn: TOMORROW })).thenThrows(DateNotAllowed, /framtiden/);
      grantSpec(withConsensus())(funded).when(awardCmd({ decidedOn: '10 maj' })).thenThrows(InvalidInput, /decidedOn/);
    });

    it('needs a reference', () => {
      grantSpec(withConsensus())(funded).when(awardCmd({ reference: '' })).thenThrows(InvalidInput, /reference/);
    });
  });
});

// =============================================================================================
// Withdrawals (payments out to a granted initiative)
// =============================================================================================

describe('withdrawFromFund', () => {
  const spec = fundSpec(withdrawFromFund);

  describe('a valid withdrawal', () => {
    it('is recorded with a trimmed reference', () => {
      spec(fundedAndGranted)
        .when(withdrawCmd({ reference: ' UTB-1 ' }))
        .then([withdrawn(MSEK, '2026-05-20')]);
    });

    it('may be booked on the day of the grant', () => {
      spec(fundedAndGranted).when(withdrawCmd({ bookedOn: '2026-05-10' })).then([withdrawn(MSEK, '2026-05-10')]);
    });

    it('may take out the whole grant, in several payments', () => {
      spec([...fundedAndGranted, withdrawn(2 * MSEK, '2026-05-20')])
        .when(withdrawCmd({ amountOre: MSEK, bookedOn: '2026-06-01' }))
        .then([withdrawn(MSEK, '2026-06-01')]);
    });
  });

  describe('needs a grant', () => {
    it('refuses a payment to an initiative without a grant', () => {
      spec(funded).when(withdrawCmd()).thenThrows(NotGranted, /init-1 har inte beviljats några medel/);
    });

    it('refuses a payment to an initiative when only another one is granted', () => {
      spec([...funded, granted(3 * MSEK, '2026-05-10', OTHER_INITIATIVE_ID)]).when(withdrawCmd()).thenThrows(NotGranted);
    });

    it('refuses a payment dated before the first grant', () => {
      spec(fundedAndGranted)
        .when(withdrawCmd({ bookedOn: '2026-05-09' }))
        .thenThrows(DateNotAllowed, /Utbetalningen 2026-05-09 ligger före beslutet om medel 2026-05-10/);
    });
  });

  describe('may not exceed the remaining grant (granted − withdrawn)', () => {
    it('refuses more than granted', () => {
      spec(fundedAndGranted)
        .when(withdrawCmd({ amountOre: 3 * MSEK + 1 }))
        .thenThrows(WithdrawalExceedsGrant, /Återstående beviljat belopp är 3 000 000,00 kr/);
    });

    it('counts earlier payments', () => {
      spec([...fundedAndGranted, withdrawn(2 * MSEK, '2026-05-20')])
        .when(withdrawCmd({ amountOre: MSEK + 1, bookedOn: '2026-06-01' }))
        .thenThrows(
          WithdrawalExceedsGrant,
          /1 000 000,00 kr \(beviljat 3 000 000,00 kr, utbetalt 2 000 000,00 kr\); 1 000 000,01 kr kan inte betalas ut/,
        );
    });

    it('returned money does not reopen the grant', () => {
      spec([...fundedAndGranted, withdrawn(3 * MSEK, '2026-05-20'), returned(MSEK, '2026-06-01')])
        .when(withdrawCmd({ amountOre: 1, bookedOn: '2026-06-02' }))
        .thenThrows(WithdrawalExceedsGrant, /0,00 kr/);
    });
  });

  describe('the balance may never go below zero, on any day', () => {
    it('refuses a payment dated before the deposit that would cover it', () => {
      // The money arrives on 1 June; a payment dated 20 May would take the balance below zero that day.
      spec([deposited(10 * MSEK, '2026-06-01'), granted(3 * MSEK, '2026-05-10')])
        .when(withdrawCmd({ amountOre: MSEK, bookedOn: '2026-05-20' }))
        .thenThrows(InsufficientBalance, /från 2026-05-20 och framåt är som lägst 0,00 kr/);
    });

    it('refuses a payment larger than the balance on its day, even when a later deposit covers it', () => {
      spec([deposited(MSEK, '2026-01-15'), deposited(9 * MSEK, '2026-06-01'), granted(3 * MSEK, '2026-05-10')])
        .when(withdrawCmd({ amountOre: 2 * MSEK, bookedOn: '2026-05-20' }))
        .thenThrows(InsufficientBalance, /som lägst 1 000 000,00 kr/);
    });

    it('accepts a payment the balance on its day can carry', () => {
      spec([deposited(MSEK, '2026-01-15'), deposited(9 * MSEK, '2026-06-01'), granted(3 * MSEK, '2026-05-10')])
        .when(withdrawCmd({ amountOre: MSEK, bookedOn: '2026-05-20' }))
        .then([withdrawn(MSEK, '2026-05-20')]);
    });

    it('refuses a back-dated payment that would make a later day negative', () => {
      // 10 MSEK in January; 8 MSEK paid to another initiative on 1 June. 3 MSEK on 20 May fits
      // on 20 May (10 → 7), but leaves −1 MSEK from 1 June.
      spec([
        ...fundedAndGranted,
        granted(8 * MSEK, '2026-03-01', OTHER_INITIATIVE_ID),
        withdrawn(8 * MSEK, '2026-06-01', OTHER_INITIATIVE_ID),
      ])
        .when(withdrawCmd({ amountOre: 3 * MSEK, bookedOn: '2026-05-20' }))
        .thenThrows(InsufficientBalance, /som lägst 2 000 000,00 kr; en utbetalning på 3 000 000,00 kr/);
    });

    it('counts a payment booked on the same day as a deposit against that day’s balance', () => {
      spec([deposited(MSEK, '2026-05-20'), granted(3 * MSEK, '2026-05-10')])
        .when(withdrawCmd({ amountOre: MSEK, bookedOn: '2026-05-20' }))
        .then([withdrawn(MSEK, '2026-05-20')]);
    });
  });

  describe('input', () => {
    it('refuses a non-positive amount, a future date and an empty reference', () => {
      spec(fundedAndGranted).when(withdrawCmd({ amountOre: 0 })).thenThrows(InvalidInput, /amountOre/);
      spec(fundedAndGranted).when(withdrawCmd({ bookedOn: TOMORROW })).thenThrows(DateNotAllowed);
      spec(fundedAndGranted).when(withdrawCmd({ reference: ' ' })).thenThrows(InvalidInput, /reference/);
    });
  });
});

// =============================================================================================
// Returns (återföring)
// =============================================================================================

describe('returnToFund', () => {
  const spec = fundSpec(returnToFund);
  const paidOut: FundEvent[] = [...fundedAndGranted, withdrawn(3 * MSEK, '2026-05-20')];

  it('records a return with a trimmed reason', () => {
    spec(paidOut)
      .when(returnCmd({ reason: '  Projektet blev billigare. ' }))
      .then([returned(MSEK, '2026-06-01', INITIATIVE_ID, { reason: 'Projektet blev billigare.' })]);
  });

  it('may return everything paid out and not yet returned', () => {
    spec([...paidOut, returned(MSEK, '2026-05-25')])
      .when(returnCmd({ amountOre: 2 * MSEK }))
      .then([returned(2 * MSEK, '2026-06-01')]);
  });

  it('refuses more than paid out minus already returned, naming the amounts', () => {
    spec([...paidOut, returned(MSEK, '2026-05-25')])
      .when(returnCmd({ amountOre: 2 * MSEK + 1 }))
      .thenThrows(
        ReturnExceedsWithdrawn,
        /har 3 000 000,00 kr betalats ut och 1 000 000,00 kr återförts; högst 2 000 000,00 kr kan återföras/,
      );
  });

  it('refuses a return when nothing has been paid out, even with a grant', () => {
    spec(fundedAndGranted).when(returnCmd({ amountOre: 1 })).thenThrows(ReturnExceedsWithdrawn, /högst 0,00 kr/);
  });

  it('refuses a return for an initiative the fund has never paid', () => {
    spec(paidOut).when(returnCmd({ initiativeId: OTHER_INITIATIVE_ID })).thenThrows(ReturnExceedsWithdrawn);
  });

  it('refuses a non-positive amount, a future date and an empty reason', () => {
    spec(paidOut).when(returnCmd({ amountOre: -1 })).thenThrows(InvalidInput, /amountOre/);
    spec(paidOut).when(returnCmd({ bookedOn: TOMORROW })).thenThrows(DateNotAllowed);
    spec(paidOut).when(returnCmd({ reason: '' })).thenThrows(InvalidInput, /reason/);
  });
});

// =============================================================================================
// Closing a year
// =============================================================================================

describe('closeYear', () => {
  const spec = fundSpec(closeYear);
  const since2023: FundEvent[] = [deposited(10 * MSEK, '2023-03-01'), deposited(MSEK, '2025-06-01')];

  it('closes the first year with bookings, recording closedAt = the command time', () => {
    spec(since2023).when(closeYearCmd(2023)).then([yearClosed(2023, NOW)]);
  });

  it('closes the years in order, also a year without bookings', () => {
    spec([...since2023, yearClosed(2023)]).when(closeYearCmd(2024)).then([yearClosed(2024)]);
  });

  it('starts from the earliest booking year, even if that booking was recorded later', () => {
    spec([deposited(MSEK, '2025-01-10'), deposited(MSEK, '2024-12-30')])
      .when(closeYearCmd(2025))
      .thenThrows(YearCannotBeClosed, /nästa år att stänga är 2024, inte 2025/);
  });

  describe('refusals', () => {
    it('refuses the current year: it has not ended', () => {
      spec(since2023).when(closeYearCmd(2026)).thenThrows(YearCannotBeClosed, /År 2026 har inte tagit slut än/);
    });

    it('refuses a future year', () => {
      spec(since2023).when(closeYearCmd(2030)).thenThrows(YearCannotBeClosed, /2030/);
    });

    it('knows when the year ends in Sweden', () => {
      const fund = [deposited(MSEK, '2025-03-01')];
      spec(fund).when(closeYearCmd(2025, at('2025-12-31T22:59:59Z'))).thenThrows(YearCannotBeClosed, /inte tagit slut/);
      spec(fund)
        .when(closeYearCmd(2025, at('2025-12-31T23:00:00Z')))
        .then([yearClosed(2025, '2025-12-31T23:00:00Z')]);
    });

    it('refuses a year out of order', () => {
      spec(since2023).when(closeYearCmd(2024)).thenThrows(YearCannotBeClosed, /nästa år att stänga är 2023, inte 2024/);
      spec([...since2023, yearClosed(2023)]).when(closeYearCmd(2025)).thenThrows(YearCannotBeClosed, /2024, inte 2025/);
    });

    it('refuses a year before the first booking', () => {
      spec(since2023).when(closeYearCmd(2022)).thenThrows(YearCannotBeClosed, /nästa år att stänga är 2023/);
    });

    it('refuses a year already closed, and any earlier year', () => {
      const closed = [...since2023, yearClosed(2023), yearClosed(2024)];
      spec(closed).when(closeYearCmd(2024)).thenThrows(YearAlreadyClosed, /^År 2024 är redan stängt\.$/);
      spec(closed).when(closeYearCmd(2023)).thenThrows(YearAlreadyClosed, /2023/);
      spec(closed).when(closeYearCmd(2020)).thenThrows(YearAlreadyClosed);
    });

    it('refuses when the fund has no bookings', () => {
      spec([]).when(closeYearCmd(2025)).thenThrows(YearCannotBeClosed, /inga bokningar/);
    });

    it('a grant is not a booking: a fund with only grants has nothing to close', () => {
      spec([granted(MSEK, '2025-05-01')]).when(closeYearCmd(2025)).thenThrows(YearCannotBeClosed, /inga bokningar/);
    });

    it('refuses a year that is not an integer', () => {
      spec(since2023).when(closeYearCmd(2023.5)).thenThrows(InvalidInput, /year/);
    });
  });
});

// =============================================================================================
// evolveFund: the arithmetic of balance, committed and available
// =============================================================================================

describe('evolveFund', () => {
  it('starts empty', () => {
    expect(foldFund([])).toEqual(emptyFund);
    expect(availableOre(emptyFund)).toBe(0);
  });

  it('keeps balance = deposits − withdrawals + returns, committed = granted − withdrawn, available = balance − committed', () => {
    const fund = foldFund([
      deposited(55 * MSEK, '2022-01-10'),
      deposited(101 * MSEK, '2022-01-11'),
      deposited(44 * MSEK, '2022-01-12'),
      granted(20 * MSEK, '2022-03-01', 'a'),
      granted(10 * MSEK, '2022-04-01', 'b'),
      withdrawn(15 * MSEK, '2022-05-01', 'a'),
      withdrawn(10 * MSEK, '2022-05-02', 'b'),
      returned(2 * MSEK, '2022-11-01', 'b'),
    ]);
    expect(fund.balanceOre).toBe(200 * MSEK - 25 * MSEK + 2 * MSEK); // 177 MSEK
    expect(fund.committedOre).toBe(5 * MSEK); // a: 20 − 15; b: 10 − 10
    expect(availableOre(fund)).toBe(172 * MSEK);
    expect(moneyOf(fund, 'a')).toEqual({ grantedOre: 20 * MSEK, withdrawnOre: 15 * MSEK, returnedOre: 0, firstGrantOn: '2022-03-01' });
    expect(moneyOf(fund, 'b')).toEqual({
      grantedOre: 10 * MSEK,
      withdrawnOre: 10 * MSEK,
      returnedOre: 2 * MSEK,
      firstGrantOn: '2022-04-01',
    });
    expect(moneyOf(fund, 'unknown')).toEqual({ grantedOre: 0, withdrawnOre: 0, returnedOre: 0, firstGrantOn: null });
  });

  it('a grant commits money without moving the balance', () => {
    const fund = foldFund([deposited(10 * MSEK, '2026-01-15'), granted(3 * MSEK, '2026-05-10')]);
    expect([fund.balanceOre, fund.committedOre, availableOre(fund)]).toEqual([10 * MSEK, 3 * MSEK, 7 * MSEK]);
    expect(foldFund([granted(3 * MSEK, '2025-05-10')]).firstBookingYear).toBeNull();
  });

  it('a return raises balance and available but not committed', () => {
    const before = foldFund([...fundedAndGranted, withdrawn(3 * MSEK, '2026-05-20')]);
    const after = foldFund([...fundedAndGranted, withdrawn(3 * MSEK, '2026-05-20'), returned(MSEK, '2026-06-01')]);
    expect(after.balanceOre - before.balanceOre).toBe(MSEK);
    expect(after.committedOre).toBe(before.committedOre);
    expect(availableOre(after) - availableOre(before)).toBe(MSEK);
  });

  it('tracks the earliest booking year and the last closed year', () => {
    const fund = foldFund([deposited(MSEK, '2024-05-01'), deposited(MSEK, '2023-12-31'), granted(1, '2021-01-01', 'x'), yearClosed(2023)]);
    expect(fund.firstBookingYear).toBe(2023);
    expect(fund.lastClosedYear).toBe(2023);
  });

  it('keeps the first grant day as the earliest grant, whatever the recording order', () => {
    const fund = foldFund([deposited(10 * MSEK, '2026-01-15'), granted(MSEK, '2026-05-10'), granted(MSEK, '2026-04-01')]);
    expect(moneyOf(fund, INITIATIVE_ID).firstGrantOn).toBe('2026-04-01');
    expect(moneyOf(fund, INITIATIVE_ID).grantedOre).toBe(2 * MSEK);
  });

  it('does not change the state it is given (pure)', () => {
    const before = foldFund(fundedAndGranted);
    const snapshot = JSON.parse(JSON.stringify(before));
    const after = evolveFund(before, withdrawn(MSEK, '2026-05-20'));
    expect(before).toEqual(snapshot);
    expect(after.balanceOre).toBe(9 * MSEK);
  });
});
