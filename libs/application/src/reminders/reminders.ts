import { Inject, Injectable } from '@nestjs/common';
import {
  BASIS_FIELDS,
  mustDecideAgainAsOf,
  versionsOf,
  type BasisField,
  type MustDecideAgain,
  consensusAsOf,
  daysBetween,
  PARTY_IDS,
  partyName,
  stockholmDateOf,
  type CalendarDate,
  type Initiative,
  type PartyDecision,
  type PartyId,
} from '@dgr/domain';
import { InitiativesProjection } from '../projections/initiatives.projection';
import { versionHashOf } from '../initiatives/proposal-text';
import { CLOCK, type Clock } from '../tokens';

/** Each party's contact address for reminders (DGR_PARTY_CONTACTS); a party without one is not e-mailed. */
export type ReminderContacts = Readonly<Partial<Record<PartyId, string>>>;

export type MissingDate = 'minutesApprovedOn' | 'noticePostedOn';

export interface WaitingForDecision {
  readonly initiativeId: string;
  readonly title: string;
  readonly decisionDeadline: CalendarDate;
  /** Whole days from `asOf` to the deadline (0 on the deadline itself). */
  readonly daysLeft: number;
  /**
   * When the party decided an earlier version of the proposal (issue 15): it must decide again, on the version
   * in force, whose fields changed since the one it decided. Absent otherwise.
   */
  readonly decideAgain?: DecideAgain;
}

export interface DecideAgain {
  readonly decidedVersion: number;
  readonly currentVersion: number;
  readonly textHash: string;
  /** The fields changed by the versions after the one decided, in BASIS_FIELDS order. */
  readonly changes: readonly BasisField[];
}

/** Why a party that decided `decidedVersion` must decide again on the version in force `asOf` (issue 15). */
const decideAgainOf = (i: Initiative, m: MustDecideAgain): DecideAgain => {
  const later = versionsOf(i).filter((v) => v.version > m.decidedVersion && v.version <= m.currentVersion);
  const changed = new Set(later.flatMap((v) => v.changes));
  const current = versionsOf(i)[m.currentVersion - 1]!;
  return {
    decidedVersion: m.decidedVersion,
    currentVersion: m.currentVersion,
    textHash: versionHashOf(current),
    changes: BASIS_FIELDS.filter((f) => changed.has(f)),
  };
};

export interface MissingMinutesOrNotice {
  readonly initiativeId: string;
  readonly title: string;
  readonly decidedOn: CalendarDate;
  /** Which of the two dates the party's decision still lacks, in this order. */
  readonly missing: readonly MissingDate[];
}

/** What one party has left to do, as of a day. */
export interface PartyReminder {
  readonly party: PartyId;
  readonly partyName: string;
  readonly contact: string | null;
  readonly waitingForDecision: readonly WaitingForDecision[];
  readonly missingMinutesOrNotice: readonly MissingMinutesOrNotice[];
}

/**
 * The minutes and notice dates of a decision (issue 7). Read defensively: they are optional on
 * decisions registered before the fields existed.
 */
const datesOf = (d: PartyDecision): Record<MissingDate, string | null> => {
  const dates = d as { minutesApprovedOn?: string | null; noticePostedOn?: string | null };
  return { minutesApprovedOn: dates.minutesApprovedOn ?? null, noticePostedOn: dates.noticePostedOn ?? null };
};

const byDeadlineThenTitle = (a: WaitingForDecision, b: WaitingForDecision): number =>
  a.decisionDeadline < b.decisionDeadline ? -1 : a.decisionDeadline > b.decisionDeadline ? 1 : a.title.localeCompare(b.title, 'sv');

const byDecidedOnThenTitle = (a: MissingMinutesOrNotice, b: MissingMinutesOrNotice): number =>
  a.decidedOn < b.decidedOn ? -1 : a.decidedOn > b.decidedOn ? 1 : a.title.localeCompare(b.title, 'sv');

/**
 * What each party has left to do as of `asOf` (pure):
 * - `waitingForDecision`: initiatives proposed by `asOf` whose status that day is `open` and where the
 *   party has no counting decision (none dated on or before `asOf`), with the deadline and days left;
 * - `missingMinutesOrNotice`: the party's decisions dated on or before `asOf`, on initiatives not
 *   cancelled by then, that lack `minutesApprovedOn` or `noticePostedOn`.
 * One entry per party with something to do, in the parties' order (Region Värmland first).
 */
export const remindersAsOf = (
  initiatives: Iterable<Initiative>,
  asOf: CalendarDate,
  contacts: ReminderContacts = {},
): PartyReminder[] => {
  const collector = new ReminderCollector(asOf);
  for (const i of initiatives) collector.add(i);
  return collector.result(contacts).map(withoutTotals);
};

const withoutTotals = ({ waitingForDecisionTotal: _w, missingMinutesOrNoticeTotal: _m, ...reminder }: PartyReminderPage): PartyReminder => reminder;

/**
 * One party's list in its order: every item (sorted at the end), or with a limit only the first `limit` items
 * (kept sorted as they come: an item equal to one kept goes after it, as a stable sort puts it) and the count of
 * all. The API asks for 100 by default: at a million events the lists of every item held some 900,000 objects,
 * and collecting them stalled the event loop in the garbage collector for 1.5–2.4 s (issue 13).
 */
class PartyList<T> {
  private readonly items: T[] = [];
  total = 0;

  constructor(
    private readonly order: (a: T, b: T) => number,
    private readonly limit?: number,
  ) {}

  add(item: T): void {
    this.total += 1;
    const items = this.items;
    if (this.limit === undefined) {
      items.push(item);
      return;
    }
    if (items.length === this.limit && (this.limit === 0 || this.order(item, items[items.length - 1]!) >= 0)) return;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.order(item, items[mid]!) < 0) hi = mid;
      else lo = mid + 1;
    }
    items.splice(lo, 0, item);
    if (items.length > this.limit) items.pop();
  }

  sorted(): T[] {
    return this.limit === undefined ? this.items.sort(this.order) : this.items;
  }
}

/** `remindersAsOf` one initiative at a time, so that the initiatives can be read a page at a time. */
export class ReminderCollector {
  private readonly waiting = new Map<PartyId, PartyList<WaitingForDecision>>();
  private readonly missing = new Map<PartyId, PartyList<MissingMinutesOrNotice>>();

  /** With `limit`, each list keeps only its first `limit` items (and counts them all); with `party`, only that party's. */
  constructor(
    private readonly asOf: CalendarDate,
    private readonly options: { readonly limit?: number; readonly party?: PartyId } = {},
  ) {}

  private push<T>(map: Map<PartyId, PartyList<T>>, order: (a: T, b: T) => number, party: PartyId, item: T): void {
    if (this.options.party !== undefined && party !== this.options.party) return;
    let list = map.get(party);
    if (!list) map.set(party, (list = new PartyList(order, this.options.limit)));
    list.add(item);
  }

  add(i: Initiative): void {
    const asOf = this.asOf;
    if (i.proposedOn > asOf) return;
    const c = consensusAsOf(i, asOf);
    if (c.status === 'cancelled') return;
    if (c.status === 'open') {
      const daysLeft = Math.max(0, daysBetween(asOf, i.decisionDeadline));
      // A party that decided an earlier version is among the missing: its reminder says what changed (issue 15).
      const again = new Map(mustDecideAgainAsOf(i, asOf).map((m) => [m.party, m]));
      for (const party of c.missing) {
        const m = again.get(party);
        this.push(this.waiting, byDeadlineThenTitle, party, {
          initiativeId: i.id,
          title: i.title,
          decisionDeadline: i.decisionDeadline,
          daysLeft,
          ...(m ? { decideAgain: decideAgainOf(i, m) } : {}),
        });
      }
    }
    for (const [party, d] of i.decisions) {
      if (d.decidedOn > asOf) continue;
      const dates = datesOf(d);
      const lacking = (['minutesApprovedOn', 'noticePostedOn'] as const).filter((k) => dates[k] === null || dates[k] > asOf);
      if (lacking.length > 0) this.push(this.missing, byDecidedOnThenTitle, party, { initiativeId: i.id, title: i.title, decidedOn: d.decidedOn, missing: lacking });
    }
  }

  result(contacts: ReminderContacts = {}): PartyReminderPage[] {
    const reminders: PartyReminderPage[] = [];
    for (const party of PARTY_IDS) {
      const w = this.waiting.get(party);
      const m = this.missing.get(party);
      if (!w && !m) continue;
      reminders.push({
        party,
        partyName: partyName(party),
        contact: contacts[party] ?? null,
        waitingForDecision: w?.sorted() ?? [],
        missingMinutesOrNotice: m?.sorted() ?? [],
        waitingForDecisionTotal: w?.total ?? 0,
        missingMinutesOrNoticeTotal: m?.total ?? 0,
      });
    }
    return reminders;
  }
}

/** One party's reminder with each list cut to its first `limit` items, and how many each list holds in all. */
export interface PartyReminderPage extends PartyReminder {
  readonly waitingForDecisionTotal: number;
  readonly missingMinutesOrNoticeTotal: number;
}

/** The reminders for the API: one party or all, each list at most `limit` long, with the lists' totals beside them. */
export const pageReminders = (reminders: readonly PartyReminder[], options: { party?: PartyId; limit: number }): PartyReminderPage[] =>
  reminders
    .filter((r) => options.party === undefined || r.party === options.party)
    .map((r) => ({
      ...r,
      waitingForDecision: r.waitingForDecision.slice(0, options.limit),
      waitingForDecisionTotal: r.waitingForDecision.length,
      missingMinutesOrNotice: r.missingMinutesOrNotice.slice(0, options.limit),
      missingMinutesOrNoticeTotal: r.missingMinutesOrNotice.length,
    }));

/** Initiatives read (and parsed) between two turns of the event loop (each costs up to a millisecond on a loaded machine). */
const PAGE = 20;

/** The reminders over the live read models (GET /api/reminders and `dgr remind`). */
@Injectable()
export class Reminders {
  constructor(
    private readonly initiatives: InitiativesProjection,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  today(): CalendarDate {
    return stockholmDateOf(this.clock.now());
  }

  /**
   * Reads the initiatives proposed by `asOf` from the read model a page at a time and lets the event loop
   * serve other requests between pages (ADR 0018): a reminder over thousands of initiatives never holds it.
   */
  async asOf(asOf: CalendarDate = this.today(), contacts: ReminderContacts = {}): Promise<PartyReminder[]> {
    return (await this.collect(new ReminderCollector(asOf), asOf, contacts)).map(withoutTotals);
  }

  /**
   * What `pageReminders(await asOf(…), options)` answers — one party or all, each list cut to `limit` items, with
   * the lists' totals — keeping only those items while it reads (GET /api/reminders): the same pages of the
   * read model, the same turns of the event loop, and no list of every item in memory.
   */
  async page(asOf: CalendarDate, contacts: ReminderContacts, options: { readonly party?: PartyId; readonly limit: number }): Promise<PartyReminderPage[]> {
    return this.collect(new ReminderCollector(asOf, options), asOf, contacts);
  }

  private async collect(collector: ReminderCollector, asOf: CalendarDate, contacts: ReminderContacts): Promise<PartyReminderPage[]> {
    for (const page of this.initiatives.statePages({ proposedBy: asOf }, PAGE)) {
      for (const i of page) collector.add(i);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return collector.result(contacts);
  }
}
