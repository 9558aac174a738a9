/**
 * A stream that counts, for the StreamWriter specs (stream-writer.spec.ts, stream-writer.cache.spec.ts): its state
 * is the number of events in it, each event says who wrote it, and `Refused` is what a decider throws when a
 * business rule refuses. For specs only (not exported from the library's index).
 */
import { DomainError } from '@dgr/domain';
import type { WriteRequest } from '../request-context';
import type { Fold } from '../stream-writer';

export const NOW = '2025-06-15T10:00:00.000Z';
export const STREAM = 'counter-1';

export interface Counted {
  readonly type: 'ReminderSent';
  readonly data: { readonly n: number; readonly by: string };
}

/** The fold: each event adds one. */
export const counter: Fold<number, Counted> = { initial: 0, evolve: (n) => n + 1 };
/** A decider that always appends one event, written by `by`. */
export const count = (by: string) => (n: number): Counted => ({ type: 'ReminderSent', data: { n: n + 1, by } });

export const request: WriteRequest = { context: { correlationId: 'spec', actor: null } };

/** What a decider throws when a business rule refuses the command. */
export class Refused extends DomainError {
  readonly kind = 'rule';
  readonly code = 'refused';
  readonly title = 'Nej';
}
