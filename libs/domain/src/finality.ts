import { addDays, type CalendarDate } from './calendar';
import type { AppealOutcome } from './initiative/initiative.events';
import type { PartyDecision } from './initiative/initiative.state';
import { appealEndsOn } from './swedish-calendar';

/*
 * When a party's decision stands (laga kraft), as of a day: docs/adr/0007-legal-finality.md.
 *
 * - The appeal window (laglighetsprövning, kommunallagen 13 kap.) ends on `appealEndsOn(noticePostedOn)`;
 *   without a notice (anslag) it has not begun, and the decision is not final.
 * - With no appeal, the decision is final from the day after the window ends.
 * - A timely appeal that is pending keeps it from being final. An appeal lodged after the window ended
 *   is recorded but blocks nothing: the court dismisses late appeals (avvisning).
 * - Upheld (the court rejects the appeal, the decision stands): final from the day after the window ends
 *   or the day after the court's judgment, whichever is later. Simplification: the judgment itself may be
 *   appealed further; that is not modelled.
 * - Annulled (upphävt): from the court's judgment the decision no longer counts at all.
 *
 * Facts dated after `asOf` have not happened yet as of `asOf`: a notice posted later is unknown, an appeal
 * lodged later does not exist, a judgment given later leaves the appeal pending.
 */

/** Justering is due within 14 days of the meeting (kommunallagen 5 kap. 69 §). */
export const MINUTES_DUE_DAYS = 14;

export type NotFinalReason = 'no-notice' | 'appeal-window' | 'appeal-pending';

/** An appeal as known on a day. */
export interface AppealAsOf {
  readonly court: string;
  readonly caseNumber: string;
  readonly lodgedOn: CalendarDate;
  readonly outcome: AppealOutcome | null;
  readonly decidedOn: CalendarDate | null;
  /** Lodged after the appeal window ended: recorded, but it keeps nothing from being final. */
  readonly late: boolean;
}

export interface DecisionFinality {
  /** Known as of the day (dated on or before it), else null. */
  readonly minutesApprovedOn: CalendarDate | null;
  readonly noticePostedOn: CalendarDate | null;
  /** The last day of the appeal window, once the notice is known. */
  readonly appealEndsOn: CalendarDate | null;
  /**
   * The first day the decision is final: in the past or today when `final`; while the window is open
   * and no appeal is pending, the day it will be final if none comes; null when it cannot be known yet
   * (no notice, an appeal pending) or the decision is annulled.
   */
  readonly finalOn: CalendarDate | null;
  readonly final: boolean;
  /** The day a court annulled the decision, when it has; it then no longer counts. */
  readonly annulledOn: CalendarDate | null;
  /**
   * Why it is not final yet (null when final or annulled) and until when: the last day it is not final
   * (for `appeal-window`, the window's last day); null when that cannot be known yet.
   */
  readonly notFinal: { readonly reason: NotFinalReason; readonly until: CalendarDate | null } | null;
  /** The minutes were approved more than 14 days after the meeting. Kept as a fact, flagged, not refused. */
  readonly minutesLate: boolean;
  readonly appeals: readonly AppealAsOf[];
}

const known = (date: CalendarDate | null, asOf: CalendarDate): CalendarDate | null =>
  date !== null && date <= asOf ? date : null;

const latest = (dates: readonly CalendarDate[]): CalendarDate => dates.reduce((a, b) => (b > a ? b : a));

/**
 * The result, built as one literal in one order (the fields' order is what JSON shows). Not `{ ...common, … }`:
 * on Node 20 a spread followed by more properties made each result cost ~10 µs (a list page builds 170 of them).
 */
const finality = (
  minutesApprovedOn: CalendarDate | null,
  noticePostedOn: CalendarDate | null,
  appealEndsOn: CalendarDate | null,
  minutesLate: boolean,
  appeals: AppealAsOf[],
  finalOn: CalendarDate | null,
  final: boolean,
  annulledOn: CalendarDate | null,
  notFinal: DecisionFinality['notFinal'],
): DecisionFinality => ({ minutesApprovedOn, noticePostedOn, appealEndsOn, minutesLate, appeals, finalOn, final, annulledOn, notFinal });

export const decisionFinalityAsOf = (d: PartyDecision, asOf: CalendarDate): DecisionFinality => {
  const minutesApprovedOn = known(d.minutesApprovedOn, asOf);
  const noticePostedOn = known(d.noticePostedOn, asOf);
  const ends = noticePostedOn === null ? null : appealEndsOn(noticePostedOn);
  const appeals: AppealAsOf[] = [];
  for (const a of d.appeals) {
    if (a.lodgedOn > asOf) continue;
    const decided = a.decidedOn !== null && a.decidedOn <= asOf;
    appeals.push({
      court: a.court,
      caseNumber: a.caseNumber,
      lodgedOn: a.lodgedOn,
      outcome: decided ? a.outcome : null,
      decidedOn: decided ? a.decidedOn : null,
      late: ends !== null && a.lodgedOn > ends,
    });
  }
  const minutesLate = minutesApprovedOn !== null && minutesApprovedOn > addDays(d.decidedOn, MINUTES_DUE_DAYS);
  const result = (finalOn: CalendarDate | null, final: boolean, annulledOn: CalendarDate | null, notFinal: DecisionFinality['notFinal']) =>
    finality(minutesApprovedOn, noticePostedOn, ends, minutesLate, appeals, finalOn, final, annulledOn, notFinal);

  const annulments = appeals.filter((a) => a.outcome === 'annulled').map((a) => a.decidedOn as CalendarDate);
  if (annulments.length > 0) {
    const annulledOn = annulments.reduce((a, b) => (b < a ? b : a));
    return result(null, false, annulledOn, null);
  }
  const timely = appeals.filter((a) => !a.late);
  if (timely.some((a) => a.outcome === null)) return result(null, false, null, { reason: 'appeal-pending', until: null });
  if (ends === null) return result(null, false, null, { reason: 'no-notice', until: null });
  const finalOn = latest([addDays(ends, 1), ...timely.map((a) => addDays(a.decidedOn as CalendarDate, 1))]);
  const final = finalOn <= asOf;
  // Not final yet: the window is still open, or (on the very day of an upholding judgment given after the
  // window) the appeal was decided only today. `until` is the last day it is not final.
  const reason: NotFinalReason = finalOn === addDays(ends, 1) ? 'appeal-window' : 'appeal-pending';
  return result(finalOn, final, null, final ? null : { reason, until: addDays(finalOn, -1) });
};
