import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CalendarDate, PartyId } from '@dgr/domain';
import { WriteCommand, type Recorded } from '../request-context';
import { StreamWriter, type Fold } from '../stream-writer';
import type { MissingDate } from './reminders';

/** One stream per party: who was reminded when (`reminders-1780`). */
export const reminderStream = (party: PartyId): string => `reminders-${party}`;

/** A reminder e-mail was sent to a party's contact address (by `dgr remind`). */
export interface ReminderSent {
  readonly type: 'ReminderSent';
  readonly data: {
    readonly party: PartyId;
    /** The address the mail was sent to. */
    readonly to: string;
    /** The day the reminder's contents were computed for. */
    readonly asOf: CalendarDate;
    /** The initiatives that were waiting for the party's decision. */
    readonly initiativeIds: readonly string[];
    /** The party's decisions that lacked minutes or notice dates. */
    readonly missingMinutesOrNotice: ReadonlyArray<{ readonly initiativeId: string; readonly missing: readonly MissingDate[] }>;
    readonly subject: string;
    /** The Message-ID the mail was sent with, as the SMTP transport reported it. */
    readonly messageId: string;
    /** The SMTP server's answer (e.g. `250 OK: queued`). */
    readonly smtpResponse: string;
  };
}

export class RecordReminderSentCommand extends WriteCommand<ReminderSent['data']> {}

/** A reminder stream is a plain list: nothing to decide on but the order. */
const reminderFold: Fold<null, ReminderSent> = { initial: null, evolve: () => null };

@CommandHandler(RecordReminderSentCommand)
export class RecordReminderSentHandler implements ICommandHandler<RecordReminderSentCommand, Recorded> {
  constructor(private readonly writer: StreamWriter) {}
  execute({ data, context, retryKey }: RecordReminderSentCommand): Promise<Recorded> {
    const event: ReminderSent = { type: 'ReminderSent', data };
    return this.writer.decide(reminderStream(data.party), reminderFold, () => event, { context, retryKey });
  }
}

export const REMINDER_HANDLERS = [RecordReminderSentHandler];
