/**
 * Every refusal of the domain is a DomainError. Its kind decides the HTTP status in the one
 * place that maps errors (the API's exception filter):
 * invalid 400 · unauthenticated 401 · forbidden 403 · not-found 404 · conflict 409 · too-large 413 ·
 * unsupported-media-type 415 · rule 422.
 */
export type DomainErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'too-large'
  | 'unsupported-media-type'
  | 'rule';

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  /** A stable, machine-readable key, e.g. `decision-already-registered`. */
  abstract readonly code: string;
  /** Short Swedish title of this kind of problem. */
  abstract readonly title: string;

  constructor(detail: string) {
    super(detail);
    this.name = new.target.name;
  }
}

/** A fact given in a command that is not valid on its own (a goal outside its area, a bad date…). */
export class InvalidInput extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'invalid-input';
  readonly title = 'Ogiltiga uppgifter';
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(detail);
  }
}

/** A date that is not yet or no longer allowed for this fact. */
export class DateNotAllowed extends DomainError {
  readonly kind = 'rule';
  readonly code = 'date-not-allowed';
  readonly title = 'Datumet är inte tillåtet';
}
