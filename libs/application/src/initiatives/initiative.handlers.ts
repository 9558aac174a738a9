import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  cancelInitiative,
  correctPartyDecision,
  decideAppeal,
  FUND_STREAM,
  initiativeStream,
  lodgeAppeal,
  moneyOf,
  prepareInitiative,
  proposeInitiative,
  recordDecisionMinutes,
  registerPartyDecision,
  reportOutcome,
  type CancelInitiative,
  type CorrectPartyDecision,
  type DecideAppeal,
  type LodgeAppeal,
  type PrepareInitiative,
  type ProposeInitiative,
  type RecordDecisionMinutes,
  type RegisterPartyDecision,
  type ReportOutcome,
} from '@dgr/domain';
import { fundFold, initiativeFold } from '../folds';
import type { Recorded, RequestContext } from '../request-context';
import { StreamWriter } from '../stream-writer';

/*
 * One command class and one short handler per use case: load the initiative's stream, decide, append.
 * The id of a new initiative is made by the caller, so a retried proposal names the same initiative.
 */

export class ProposeInitiativeCommand {
  constructor(readonly data: ProposeInitiative['data'], readonly context: RequestContext) {}
}

@CommandHandler(ProposeInitiativeCommand)
export class ProposeInitiativeHandler implements ICommandHandler<ProposeInitiativeCommand, Recorded> {
  constructor(private readonly writer: StreamWriter) {}
  execute({ data, context }: ProposeInitiativeCommand): Promise<Recorded> {
    return this.writer.decide(initiativeStream(data.initiativeId), initiativeFold, (state, now) =>
      proposeInitiative({ type: 'ProposeInitiative', data, metadata: { now } }, state), context);
  }
}

export class PrepareInitiativeCommand {
  constructor(readonly data: PrepareInitiative['data'], readonly context: RequestContext) {}
}

@CommandHandler(PrepareInitiativeCommand)
export class PrepareInitiativeHandler implements ICommandHandler<PrepareInitiativeCommand, Recorded> {
  constructor(private readonly writer: StreamWriter) {}
  execute({ data, context }: PrepareInitiativeCommand): Promise<Recorded> {
    return this.writer.decide(initiativeStream(data.initiativeId), initiativeFold, (state, now) =>
      prepareInitiative({ type: 'PrepareInitiative', data, metadata: { now } }, state), context);
  }
}

export class RegisterPartyDecisionCommand {
  constructor(readonly data: RegisterPartyDecision['data'], readonly context: RequestContext) {}
}

@CommandHandler(RegisterPartyDecisionCommand)
export class RegisterPartyDecisionHandler implements ICommandHandler<RegisterPartyDecisionCommand, Recorded> {
  constructor(private readonly writer: StreamWriter) {}
  execute({ data, context }: RegisterPartyDecisionCommand): Promise<Recorded> {
    return this.writer.decide(initiativeStream(data.initiativeId), initiativeFold, (state, now) =>
      registerPartyDecision({ type: 'RegisterPartyDecision', data, metadata: { now } }, state), context);
  }
}

export class CorrectPartyDecisionCommand {
  constructor(readonly data: CorrectPartyDecision['data'], readonly context: RequestContext) {}
}

@CommandHandler(CorrectPartyDecisionCommand)
export class CorrectPartyDecisionHandler implements ICommandHandler<CorrectPartyDecisionCommand, Recorded> {
  constructor(private readonly writer: StreamWriter) {}
  execute({ data, context }: CorrectPartyDecisionCommand): Promise<Recorded> {
    return this.writer.decide(initiativeStream(data.initiativeId), initiativeFold, (state, now) =>
      correctPartyDecision({ type: 'CorrectPartyDecision', data, metadata: { now } }, state), context);
  }
}

export class CancelInitiativeCommand {
  constructor(readonly data: CancelInitiative['data'], readonly context: RequestContext) {}
}

/**
 * An initiative that has been granted money cannot be cancelled: the grants are its own stream's
 * `GrantReserved` facts (ADR 0010; this append's expected revision is what makes a grant written at this
 * moment by any process visible) and, for grants recorded before reservations existed, the fund's ledger.
 * The lock on the fund's stream only saves retries inside this process; the rule does not depend on it.
 */
@CommandHandler(CancelInitiativeCommand)
export class CancelInitiativeHandler implements ICommandHandler<CancelInitiativeCommand, Recorded> {
  constructor(private readonly writer: StreamWriter) {}
  execute({ data, context }: CancelInitiativeCommand): Promise<Recorded> {
    return this.writer.decide(
      initiativeStream(data.initiativeId),
      initiativeFold,
      async (state, now) => {
        const { state: fund } = await this.writer.load(FUND_STREAM, fundFold);
        const granted = moneyOf(fund, data.initiativeId).grantedOre;
        return cancelInitiative({ type: 'CancelInitiative', data, metadata: { now } }, state, granted);
      },
      context,
      [FUND_STREAM],
    );
  }
}

export class ReportOutcomeCommand {
  constructor(readonly data: ReportOutcome['data'], readonly context: RequestContext) {}
}

@CommandHandler(ReportOutcomeCommand)
export class ReportOutcomeHandler implements ICommandHandler<ReportOutcomeCommand, Recorded> {
  constructor(private readonly writer: StreamWriter) {}
  execute({ data, context }: ReportOutcomeCommand): Promise<Recorded> {
    return this.writer.decide(initiativeStream(data.initiativeId), initiativeFold, (state, now) =>
      reportOutcome({ type: 'ReportOutcome', data, metadata: { now } }, state), context);
  }
}

export class RecordDecisionMinutesCommand {
  constructor(readonly data: RecordDecisionMinutes['data'], readonly context: RequestContext) {}
}

@CommandHandler(RecordDecisionMinutesCommand)
export class RecordDecisionMinutesHandler implements ICommandHandler<RecordDecisionMinutesCommand, Recorded> {
  constructor(private readonly writer: StreamWriter) {}
  execute({ data, context }: RecordDecisionMinutesCommand): Promise<Recorded> {
    return this.writer.decide(initiativeStream(data.initiativeId), initiativeFold, (state, now) =>
      recordDecisionMinutes({ type: 'RecordDecisionMinutes', data, metadata: { now } }, state), context);
  }
}

export class LodgeAppealCommand {
  constructor(readonly data: LodgeAppeal['data'], readonly context: RequestContext) {}
}

@CommandHandler(LodgeAppealCommand)
export class LodgeAppealHandler implements ICommandHandler<LodgeAppealCommand, Recorded> {
  constructor(private readonly writer: StreamWriter) {}
  execute({ data, context }: LodgeAppealCommand): Promise<Recorded> {
    return this.writer.decide(initiativeStream(data.initiativeId), initiativeFold, (state, now) =>
      lodgeAppeal({ type: 'LodgeAppeal', data, metadata: { now } }, state), context);
  }
}

export class DecideAppealCommand {
  constructor(readonly data: DecideAppeal['data'], readonly context: RequestContext) {}
}

@CommandHandler(DecideAppealCommand)
export class DecideAppealHandler implements ICommandHandler<DecideAppealCommand, Recorded> {
  constructor(private readonly writer: StreamWriter) {}
  execute({ data, context }: DecideAppealCommand): Promise<Recorded> {
    return this.writer.decide(initiativeStream(data.initiativeId), initiativeFold, (state, now) =>
      decideAppeal({ type: 'DecideAppeal', data, metadata: { now } }, state), context);
  }
}

export const INITIATIVE_HANDLERS = [
  ProposeInitiativeHandler,
  PrepareInitiativeHandler,
  RegisterPartyDecisionHandler,
  CorrectPartyDecisionHandler,
  CancelInitiativeHandler,
  ReportOutcomeHandler,
  RecordDecisionMinutesHandler,
  LodgeAppealHandler,
  DecideAppealHandler,
];
