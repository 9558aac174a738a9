import { randomUUID } from 'node:crypto';
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
  reviseInitiative,
  versionsOf,
  type CancelInitiative,
  type ReviseInitiative,
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
import { WriteCommand, type Recorded } from '../request-context';
import { StreamWriter } from '../stream-writer';
import { textHashOf, versionHashOf } from './proposal-text';

/*
 * One command class and one short handler per use case: load the initiative's stream, decide, append.
 */

/**
 * The id of the new initiative is made here: from the retry key when the request carried an
 * Idempotency-Key (a retry after a crash between the command and its recorded answer must find the same
 * stream; a new id answered 500), new otherwise. A caller that names the initiative itself (the demo seed,
 * tests) gives `initiativeId`.
 */
export class ProposeInitiativeCommand extends WriteCommand<
  Omit<ProposeInitiative['data'], 'initiativeId'> & { readonly initiativeId?: string }
> {}

/** The new initiative's id, and where its first event landed. */
export interface Proposed extends Recorded {
  readonly id: string;
}

@CommandHandler(ProposeInitiativeCommand)
export class ProposeInitiativeHandler implements ICommandHandler<ProposeInitiativeCommand, Proposed> {
  constructor(private readonly writer: StreamWriter) {}
  async execute({ data, context, retryKey }: ProposeInitiativeCommand): Promise<Proposed> {
    const initiativeId = data.initiativeId ?? retryKey?.newId('initiative') ?? randomUUID();
    const recorded = await this.writer.decide(initiativeStream(initiativeId), initiativeFold, (state, now) =>
      proposeInitiative({ type: 'ProposeInitiative', data: { ...data, initiativeId }, metadata: { now } }, state), { context, retryKey });
    return { id: initiativeId, ...recorded };
  }
}

export class PrepareInitiativeCommand extends WriteCommand<PrepareInitiative['data']> {}

@CommandHandler(PrepareInitiativeCommand)
export class PrepareInitiativeHandler implements ICommandHandler<PrepareInitiativeCommand, Recorded> {
  constructor(private readonly writer: StreamWriter) {}
  execute({ data, context, retryKey }: PrepareInitiativeCommand): Promise<Recorded> {
    return this.writer.decide(initiativeStream(data.initiativeId), initiativeFold, (state, now) =>
      prepareInitiative({ type: 'PrepareInitiative', data, metadata: { now } }, state), { context, retryKey });
  }
}

export class RegisterPartyDecisionCommand extends WriteCommand<RegisterPartyDecision['data']> {}

@CommandHandler(RegisterPartyDecisionCommand)
export class RegisterPartyDecisionHandler implements ICommandHandler<RegisterPartyDecisionCommand, Recorded> {
  constructor(private readonly writer: StreamWriter) {}
  execute({ data, context, retryKey }: RegisterPartyDecisionCommand): Promise<Recorded> {
    return this.writer.decide(initiativeStream(data.initiativeId), initiativeFold, (state, now) =>
      registerPartyDecision({ type: 'RegisterPartyDecision', data, metadata: { now } }, state, textHashOf), { context, retryKey });
  }
}

export class CorrectPartyDecisionCommand extends WriteCommand<CorrectPartyDecision['data']> {}

@CommandHandler(CorrectPartyDecisionCommand)
export class CorrectPartyDecisionHandler implements ICommandHandler<CorrectPartyDecisionCommand, Recorded> {
  constructor(private readonly writer: StreamWriter) {}
  execute({ data, context, retryKey }: CorrectPartyDecisionCommand): Promise<Recorded> {
    return this.writer.decide(initiativeStream(data.initiativeId), initiativeFold, (state, now) =>
      correctPartyDecision({ type: 'CorrectPartyDecision', data, metadata: { now } }, state, textHashOf), { context, retryKey });
  }
}

export class CancelInitiativeCommand extends WriteCommand<CancelInitiative['data']> {}

/**
 * An initiative that has been granted money cannot be cancelled: the grants are its own stream's
 * `GrantReserved` facts (ADR 0010; this append's expected revision is what makes a grant written at this
 * moment by any process visible) and, for grants recorded before reservations existed, the fund's ledger.
 * The lock on the fund's stream only saves retries inside this process; the rule does not depend on it.
 */
@CommandHandler(CancelInitiativeCommand)
export class CancelInitiativeHandler implements ICommandHandler<CancelInitiativeCommand, Recorded> {
  constructor(private readonly writer: StreamWriter) {}
  execute({ data, context, retryKey }: CancelInitiativeCommand): Promise<Recorded> {
    return this.writer.decide(
      initiativeStream(data.initiativeId),
      initiativeFold,
      async (state, now) => {
        const { state: fund } = await this.writer.load(FUND_STREAM, fundFold);
        const granted = moneyOf(fund, data.initiativeId).grantedOre;
        return cancelInitiative({ type: 'CancelInitiative', data, metadata: { now } }, state, granted);
      },
      { context, retryKey },
      [FUND_STREAM],
    );
  }
}

export class ReportOutcomeCommand extends WriteCommand<ReportOutcome['data']> {}

@CommandHandler(ReportOutcomeCommand)
export class ReportOutcomeHandler implements ICommandHandler<ReportOutcomeCommand, Recorded> {
  constructor(private readonly writer: StreamWriter) {}
  execute({ data, context, retryKey }: ReportOutcomeCommand): Promise<Recorded> {
    return this.writer.decide(initiativeStream(data.initiativeId), initiativeFold, (state, now) =>
      reportOutcome({ type: 'ReportOutcome', data, metadata: { now } }, state), { context, retryKey });
  }
}

export class RecordDecisionMinutesCommand extends WriteCommand<RecordDecisionMinutes['data']> {}

@CommandHandler(RecordDecisionMinutesCommand)
export class RecordDecisionMinutesHandler implements ICommandHandler<RecordDecisionMinutesCommand, Recorded> {
  constructor(private readonly writer: StreamWriter) {}
  execute({ data, context, retryKey }: RecordDecisionMinutesCommand): Promise<Recorded> {
    return this.writer.decide(initiativeStream(data.initiativeId), initiativeFold, (state, now) =>
      recordDecisionMinutes({ type: 'RecordDecisionMinutes', data, metadata: { now } }, state), { context, retryKey });
  }
}

export class LodgeAppealCommand extends WriteCommand<LodgeAppeal['data']> {}

@CommandHandler(LodgeAppealCommand)
export class LodgeAppealHandler implements ICommandHandler<LodgeAppealCommand, Recorded> {
  constructor(private readonly writer: StreamWriter) {}
  execute({ data, context, retryKey }: LodgeAppealCommand): Promise<Recorded> {
    return this.writer.decide(initiativeStream(data.initiativeId), initiativeFold, (state, now) =>
      lodgeAppeal({ type: 'LodgeAppeal', data, metadata: { now } }, state), { context, retryKey });
  }
}

export class DecideAppealCommand extends WriteCommand<DecideAppeal['data']> {}

@CommandHandler(DecideAppealCommand)
export class DecideAppealHandler implements ICommandHandler<DecideAppealCommand, Recorded> {
  constructor(private readonly writer: StreamWriter) {}
  execute({ data, context, retryKey }: DecideAppealCommand): Promise<Recorded> {
    return this.writer.decide(initiativeStream(data.initiativeId), initiativeFold, (state, now) =>
      decideAppeal({ type: 'DecideAppeal', data, metadata: { now } }, state), { context, retryKey });
  }
}

// --- Versions of the proposal (issue 15) -----------------------------------------------------------

export class ReviseInitiativeCommand extends WriteCommand<ReviseInitiative['data']> {}

/** The new version's number and text hash, and where its event landed. */
export interface Revised extends Recorded {
  readonly version: number;
  readonly textHash: string;
}

/**
 * A revision relies on the fund as a cancellation does (no revision of an initiative granted money): the
 * fund's stream is read and appended with its expected revision too.
 */
@CommandHandler(ReviseInitiativeCommand)
export class ReviseInitiativeHandler implements ICommandHandler<ReviseInitiativeCommand, Revised> {
  constructor(private readonly writer: StreamWriter) {}
  async execute({ data, context, retryKey }: ReviseInitiativeCommand): Promise<Revised> {
    const stream = initiativeStream(data.initiativeId);
    const recorded = await this.writer.decide(
      stream,
      initiativeFold,
      async (state, now) => {
        const { state: fund } = await this.writer.load(FUND_STREAM, fundFold);
        const granted = moneyOf(fund, data.initiativeId).grantedOre;
        return reviseInitiative({ type: 'ReviseInitiative', data, metadata: { now } }, state, textHashOf, granted);
      },
      { context, retryKey },
      [FUND_STREAM],
    );
    // The version this request made, also when a retry is answered from what was written before: the stream
    // as it stood at the recorded revision.
    const state = await this.writer.loadUpTo(stream, initiativeFold, recorded.revision);
    const versions = state ? versionsOf(state) : [];
    const last = versions[versions.length - 1]!;
    return { ...recorded, version: last.version, textHash: versionHashOf(last) };
  }
}

export const INITIATIVE_HANDLERS = [
  ReviseInitiativeHandler,
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
