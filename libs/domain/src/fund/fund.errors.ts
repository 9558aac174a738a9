import { DomainError } from '../errors';

const rule = (code: string, title: string) =>
  class extends DomainError {
    readonly kind = 'rule' as const;
    readonly code = code;
    readonly title = title;
  };

export class NoConsensus extends rule('no-consensus', 'Initiativet saknar konsensus') {}
export class ConsensusNotFinal extends rule('consensus-not-final', 'Konsensus har inte vunnit laga kraft') {}
export class GrantExceedsRequest extends rule('grant-exceeds-request', 'Beviljat belopp överstiger det sökta') {}
export class InsufficientAvailableFunds extends rule('insufficient-available-funds', 'Det finns inte tillräckligt med disponibla medel') {}
export class NotGranted extends rule('not-granted', 'Initiativet har inte beviljats medel') {}
export class WithdrawalExceedsGrant extends rule('withdrawal-exceeds-grant', 'Utbetalningen överstiger återstående beviljat belopp') {}
export class InsufficientBalance extends rule('insufficient-balance', 'Fondens saldo räcker inte') {}
export class ReturnExceedsWithdrawn extends rule('return-exceeds-withdrawn', 'Återföringen överstiger det utbetalda') {}
export class YearClosedError extends rule('year-closed', 'Året är stängt') {}
export class YearCannotBeClosed extends rule('year-cannot-be-closed', 'Året kan inte stängas') {}

export class YearAlreadyClosed extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'year-already-closed';
  readonly title = 'Året är redan stängt';
  constructor(readonly year: number) {
    super(`År ${year} är redan stängt.`);
  }
}

