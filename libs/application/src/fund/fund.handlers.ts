import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  awardGrant,
  closeYear,
  depositToFund,
  FUND_STREAM,
  initiativeStream,
  releaseGrantReservation,
  reserveGrant,
  returnToFund,
  withdrawFromFund,
  type AwardGrant,
  type CloseYear,
  type DepositToFund,
  type GrantPolicy,
  type ReturnToFund,
  type WithdrawFromFund,
} from '@dgr/domain';
import { fundFold, initiativeFold } from '../folds';
import { WriteCommand, type Recorded } from '../request-context';
import { StreamWriter } from '../stream-writer';
import { GRANT_POLICY } from '../tokens';

/* The fund is one stream, the ledger; every money command decides on it. */

export class DepositToFundCommand extends WriteCommand<DepositToFund['data']> {}

@CommandHandler(DepositToFundCommand)
export class DepositToFundHandler implements ICommandHandler<DepositToFundCommand, Recorded> {
  constructor(private readonly writer: StreamWriter) {}
  execute({ data, context, retryKey }: DepositToFundCommand): Promise<Recorded> {
    return this.writer.decide(FUND_STREAM, fundFold, (fund, now) =>
      depositToFund({ type: 'DepositToFund', data, metadata: { now } }, fund), { context, retryKey });
  }
}

export class AwardGrantCommand extends WriteCommand<AwardGrant['data']> {}

/**
 * Relies on the initiative too: a grant needs it not cancelled and its consensus (final, under the policy)
 * as of the grant's date. The grant appends its reservation to the initiative's stream with the revision it
 * read (ADR 0010), so a cancellation, correction or appeal recorded meanwhile, by any process, makes it
 * decide again.
 */
@CommandHandler(AwardGrantCommand)
export class AwardGrantHandler implements ICommandHandler<AwardGrantCommand, Recorded> {
  constructor(
    private readonly writer: StreamWriter,
    @Inject(GRANT_POLICY) private readonly policy: GrantPolicy,
  ) {}
  execute({ data, context, retryKey }: AwardGrantCommand): Promise<Recorded> {
    return this.writer.decideAcross(
      FUND_STREAM,
      fundFold,
      { stream: initiativeStream(data.initiativeId), fold: initiativeFold },
      (fund, initiative, now, reservationId) => {
        const awarded = awardGrant({ type: 'AwardGrant', data, metadata: { now } }, fund, initiative, this.policy);
        const { grant, reservation } = reserveGrant(awarded, reservationId);
        return { events: [grant], reliedOn: [reservation], compensate: (reason) => [releaseGrantReservation(reservation, reason)] };
      },
      { context, retryKey },
    );
  }
}

export class WithdrawFromFundCommand extends WriteCommand<WithdrawFromFund['data']> {}

@CommandHandler(WithdrawFromFundCommand)
export class WithdrawFromFundHandler implements ICommandHandler<WithdrawFromFundCommand, Recorded> {
  constructor(private readonly writer: StreamWriter) {}
  execute({ data, context, retryKey }: WithdrawFromFundCommand): Promise<Recorded> {
    return this.writer.decide(FUND_STREAM, fundFold, async (fund, now) => {
      await this.writer.requireInitiative(data.initiativeId);
      return withdrawFromFund({ type: 'WithdrawFromFund', data, metadata: { now } }, fund);
    }, { context, retryKey });
  }
}

export class ReturnToFundCommand extends WriteCommand<ReturnToFund['data']> {}

@CommandHandler(ReturnToFundCommand)
export class ReturnToFundHandler implements ICommandHandler<ReturnToFundCommand, Recorded> {
  constructor(private readonly writer: StreamWriter) {}
  execute({ data, context, retryKey }: ReturnToFundCommand): Promise<Recorded> {
    return this.writer.decide(FUND_STREAM, fundFold, async (fund, now) => {
      await this.writer.requireInitiative(data.initiativeId);
      return returnToFund({ type: 'ReturnToFund', data, metadata: { now } }, fund);
    }, { context, retryKey });
  }
}

export class CloseYearCommand extends WriteCommand<CloseYear['data']> {}

@CommandHandler(CloseYearCommand)
export class CloseYearHandler implements ICommandHandler<CloseYearCommand, Recorded> {
  constructor(private readonly writer: StreamWriter) {}
  execute({ data, context, retryKey }: CloseYearCommand): Promise<Recorded> {
    return this.writer.decide(FUND_STREAM, fundFold, (fund, now) =>
      closeYear({ type: 'CloseYear', data, metadata: { now } }, fund), { context, retryKey });
  }
}

export const FUND_HANDLERS = [
  DepositToFundHandler,
  AwardGrantHandler,
  WithdrawFromFundHandler,
  ReturnToFundHandler,
  CloseYearHandler,
];
