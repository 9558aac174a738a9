import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { createTransport, type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import {
  RecordReminderSentCommand,
  Reminders,
  type PartyReminder,
  type Recorded,
  type RequestContext,
} from '@dgr/application';
import { isCalendarDate, type PartyId } from '@dgr/domain';
import { redactSmtpUrl, type MailConfig } from '@dgr/config';
import { reminderMail } from './reminder-mail';

/**
 * `dgr remind [--as-of D] [--dry-run]`: one e-mail digest (Swedish, plain text) per party that has
 * something to do and a contact address, through DGR_SMTP_URL; each mail sent is recorded as a
 * `ReminderSent` event in the party's stream `reminders-<code>`, so the log shows who was reminded when.
 */

/** A refused or failed reminder run: the command prints the message (no stack) and exits with 1. */
export class RemindError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RemindError';
  }
}

export interface RemindOptions {
  /** The day the reminders are computed for (default: today in Sweden). */
  readonly asOf?: string;
  /** Print what would be sent; send and record nothing. */
  readonly dryRun?: boolean;
}

/** Where the command's lines go: `out` the summary (and dry-run mails), `err` the parties skipped. */
export interface RemindIo {
  out(line: string): void;
  err(line: string): void;
}

export interface SentReminder {
  readonly party: PartyId;
  readonly to: string;
  readonly subject: string;
  readonly messageId: string;
  readonly recorded: Recorded;
}

export interface RemindOutcome {
  readonly asOf: string;
  /** The mails sent and recorded (empty on a dry run). */
  readonly sent: readonly SentReminder[];
  /** The mails a dry run would have sent. */
  readonly wouldSend: ReadonlyArray<{ readonly party: PartyId; readonly to: string; readonly subject: string; readonly text: string }>;
  /** Parties with something to do but no contact address. */
  readonly skipped: readonly PartyId[];
}

/** Who records ReminderSent events in their metadata. */
export const REMIND_ACTOR = { sub: 'dgr-remind', name: 'dgr remind', role: 'system' } as const;

const processIo: RemindIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

const counts = (r: PartyReminder): string =>
  `${r.waitingForDecision.length} initiativ väntar på beslut, ${r.missingMinutesOrNotice.length} beslut saknar justering/anslag`;

const transportFor = (smtpUrl: string): Transporter<SMTPTransport.SentMessageInfo> =>
  createTransport({ url: smtpUrl, connectionTimeout: 20_000, greetingTimeout: 20_000, socketTimeout: 60_000 });

/**
 * Computes the reminders as of the day (over the context's live read models) and sends them, one
 * at a time; stops at the first mail the SMTP server does not take, with a RemindError naming
 * DGR_SMTP_URL and the address tried. What was sent before that stays recorded; nothing after it is.
 */
export const remind = async (
  app: INestApplicationContext,
  mail: MailConfig,
  options: RemindOptions = {},
  io: RemindIo = processIo,
): Promise<RemindOutcome> => {
  if (options.asOf !== undefined && !isCalendarDate(options.asOf))
    throw new RemindError(`--as-of must be a date YYYY-MM-DD, got "${options.asOf}"`);
  const reminders = app.get(Reminders);
  const asOf = options.asOf ?? reminders.today();
  const all = await reminders.asOf(asOf, mail.contacts);
  const skipped: PartyId[] = [];
  const toSend: Array<{ reminder: PartyReminder; to: string }> = [];
  for (const r of all) {
    if (r.contact === null) {
      skipped.push(r.party);
      io.err(`dgr remind: ${r.party} ${r.partyName} has no contact address in DGR_PARTY_CONTACTS; skipped (${counts(r)})`);
    } else toSend.push({ reminder: r, to: r.contact });
  }
  if (toSend.length === 0) {
    io.out(`dgr remind ${asOf}: nothing to send (${all.length} parties with something to do, ${skipped.length} without a contact address)`);
    return { asOf, sent: [], wouldSend: [], skipped };
  }

  if (options.dryRun) {
    const wouldSend = toSend.map(({ reminder, to }) => ({ party: reminder.party, to, ...reminderMail(reminder, asOf) }));
    for (const m of wouldSend) {
      io.out(`--- ${m.party} ${toSend.find((t) => t.reminder.party === m.party)!.reminder.partyName}: would send to ${m.to}`);
      io.out(`From: ${mail.from}`);
      io.out(`To: ${m.to}`);
      io.out(`Subject: ${m.subject}`);
      io.out('');
      io.out(m.text);
    }
    io.out(`dgr remind ${asOf} (dry run): ${wouldSend.length} mails would be sent, ${skipped.length} parties skipped; nothing sent, nothing recorded`);
    return { asOf, sent: [], wouldSend, skipped };
  }

  if (mail.smtpUrl === null)
    throw new RemindError('DGR_SMTP_URL is not set: set it to the mail server, e.g. smtp://localhost:25, or use --dry-run');
  const server = redactSmtpUrl(mail.smtpUrl);
  const transport = transportFor(mail.smtpUrl);
  const bus = app.get(CommandBus);
  const context: RequestContext = { correlationId: randomUUID(), actor: { ...REMIND_ACTOR } };
  const sent: SentReminder[] = [];
  try {
    for (const { reminder: r, to } of toSend) {
      const { subject, text } = reminderMail(r, asOf);
      let info: SMTPTransport.SentMessageInfo;
      try {
        info = await transport.sendMail({
          from: mail.from,
          to,
          subject,
          text,
          headers: { 'Auto-Submitted': 'auto-generated', 'X-DGR-Party': r.party, 'X-DGR-As-Of': asOf },
        });
      } catch (e) {
        throw new RemindError(
          `DGR_SMTP_URL (${server}): could not send the reminder to ${to} (${r.party} ${r.partyName}): ${(e as Error).message}` +
            (sent.length > 0 ? ` (${sent.length} reminders were sent and recorded before this one)` : ''),
        );
      }
      const recorded = await bus.execute<RecordReminderSentCommand, Recorded>(
        new RecordReminderSentCommand(
          {
            party: r.party,
            to,
            asOf,
            initiativeIds: r.waitingForDecision.map((w) => w.initiativeId),
            missingMinutesOrNotice: r.missingMinutesOrNotice.map((m) => ({ initiativeId: m.initiativeId, missing: m.missing })),
            subject,
            messageId: info.messageId,
            smtpResponse: info.response,
          },
          context,
        ),
      );
      sent.push({ party: r.party, to, subject, messageId: info.messageId, recorded });
      io.out(`${r.party} ${r.partyName}: sent to ${to} (${counts(r)}), recorded at position ${recorded.position}`);
    }
  } finally {
    transport.close();
  }
  io.out(`dgr remind ${asOf}: ${sent.length} reminders sent through ${server}, ${skipped.length} parties skipped (no contact address)`);
  return { asOf, sent, wouldSend: [], skipped };
};
