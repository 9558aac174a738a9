/**
 * Reminders end to end:
 * - `dgr remind` (its core, `remind`) over a real SQLite file seeded through the real handlers, sending
 *   through a real SMTP server started here (smtp-server on 127.0.0.1), the mails parsed as they arrive;
 * - GET /api/reminders over HTTP.
 */
import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { simpleParser, type ParsedMail } from 'mailparser';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import {
  CancelInitiativeCommand,
  DgrApplicationModule,
  EVENT_STORE,
  ProjectionRunner,
  ProposeInitiativeCommand,
  RegisterPartyDecisionCommand,
  type RequestContext,
} from '@dgr/application';
import { PARTY_IDS, type PartyId } from '@dgr/domain';
import { SqliteEventStore, type EventStore } from '@dgr/event-store';
import { loadConfig, type MailConfig } from '@dgr/config';
import { remind, RemindError, type RemindIo } from '../apps/cli/src/remind';
import { decideAll, expectInvalidField, expectProblem, HttpApp, propose, tokenFor } from './support/http-app';

// ---------------------------------------------------------------------------------------------
// A real SMTP server
// ---------------------------------------------------------------------------------------------

interface Received {
  readonly rcptTo: string[];
  readonly mailFrom: string;
  readonly mail: ParsedMail;
}

/** An SMTP server on 127.0.0.1 (random port, no auth, no TLS) that keeps every message; `refuse` rejects recipients. */
const startSmtp = async (refuse: (address: string) => boolean = () => false) => {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!refuse(address.address)) return callback();
      const error = new Error(`Mailbox ${address.address} unavailable`) as Error & { responseCode: number };
      error.responseCode = 550;
      return callback(error);
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push({
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            mail,
          });
          callback();
        },
        (e: Error) => callback(e),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

/** A port on 127.0.0.1 that nothing listens on. */
const closedPort = async (): Promise<number> => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
};

const collectingIo = () => {
  const out: string[] = [];
  const err: string[] = [];
  const io: RemindIo = { out: (line) => out.push(line), err: (line) => err.push(line) };
  return { io, out, err };
};

// ---------------------------------------------------------------------------------------------
// The seeded store
// ---------------------------------------------------------------------------------------------

const NOW = '2024-11-20T10:00:00.000Z';
const AS_OF = '2024-11-20';
const CONTACTS = { '17': 'registrator@regionvarmland.se', '1780': 'registrator@karlstad.se', '1784': 'registrator@arvika.se' } as const;

const ids = { kompetens: 'rem-kompetens', laddning: 'rem-laddning', besok: 'rem-besok', earkiv: 'rem-earkiv' };
const TITLES = {
  kompetens: 'Kompetensplattform Värmland',
  laddning: 'Laddinfrastruktur längs E18',
  besok: 'Besöksnäring i gränsbygd',
  earkiv: 'Gemensamt e-arkiv',
};

/**
 * As of 2024-11-20:
 * - kompetens (open, deadline 2024-12-31, 41 days left): everyone approved on 2024-04-15 with minutes and
 *   notice dates but Karlstad and Säffle (no decision) and Arvika (approved, no dates);
 * - laddning (open, deadline 2025-03-31, 131 days left): only Region Värmland approved, with dates;
 * - besok (cancelled): Karlstad approved without dates, which is no longer asked about;
 * - earkiv (blocked by Eda's rejection): Arvika approved without dates, which is still asked about.
 * So Region Värmland has nothing to do; Karlstad waits on two; Arvika waits on one and lacks dates on two.
 */
const seed = async (bus: CommandBus): Promise<void> => {
  const ctx: RequestContext = { correlationId: 'seed', actor: { sub: 'seed', name: 'Seed', role: 'secretariat' } };
  const proposeOne = (key: keyof typeof ids, proposedBy: PartyId, proposedOn: string, decisionDeadline: string) =>
    bus.execute(
      new ProposeInitiativeCommand(
        { initiativeId: ids[key], title: TITLES[key], summary: 'Ett initiativ för hela Värmland.', proposedBy, proposedOn, requestedAmountOre: 100_000_00, transportProgramme: true, decisionDeadline },
        ctx,
      ),
    );
  const decide = (key: keyof typeof ids, party: PartyId, outcome: 'approved' | 'rejected', decidedOn: string, dates: { minutesApprovedOn: string; noticePostedOn: string } | null) =>
    bus.execute(
      new RegisterPartyDecisionCommand(
        {
          initiativeId: ids[key],
          party,
          outcome,
          decidedOn,
          body: party === '17' ? 'regionfullmäktige' : 'kommunfullmäktige',
          minuteReference: '§ 42',
          ...(dates ?? {}),
        },
        ctx,
      ),
    );

  await proposeOne('kompetens', '1780', '2024-02-01', '2024-12-31');
  for (const party of PARTY_IDS) {
    if (party === '1780' || party === '1785') continue;
    await decide('kompetens', party, 'approved', '2024-04-15', party === '1784' ? null : { minutesApprovedOn: '2024-04-22', noticePostedOn: '2024-04-23' });
  }
  await proposeOne('laddning', '1784', '2024-03-01', '2025-03-31');
  await decide('laddning', '17', 'approved', '2024-06-10', { minutesApprovedOn: '2024-06-17', noticePostedOn: '2024-06-18' });
  await proposeOne('besok', '1737', '2024-02-15', '2024-12-31');
  await decide('besok', '1780', 'approved', '2024-03-01', null);
  await bus.execute(new CancelInitiativeCommand({ initiativeId: ids.besok, reason: 'Dras tillbaka.', cancelledOn: '2024-05-01' }, ctx));
  await proposeOne('earkiv', '1730', '2024-02-20', '2024-12-31');
  await decide('earkiv', '1784', 'approved', '2024-04-20', null);
  await decide('earkiv', '1730', 'rejected', '2024-05-01', { minutesApprovedOn: '2024-05-08', noticePostedOn: '2024-05-09' });
};

const mailConfig = (smtpUrl: string | null): MailConfig =>
  loadConfig({ DGR_SMTP_URL: smtpUrl ?? undefined, DGR_MAIL_FROM: 'DGR-sekretariatet <dgr@regionvarmland.se>', DGR_PARTY_CONTACTS: JSON.stringify(CONTACTS) }).mail;

describe('dgr remind: one digest per party through a real SMTP server, recorded as events', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dgr-remind-'));
  let app: INestApplicationContext;
  let store: EventStore;

  const reminderEvents = async (party: string) => store.readStream(`reminders-${party}`);
  const remindersRecorded = async () => (await Promise.all(PARTY_IDS.map((p) => reminderEvents(p)))).flat();

  beforeAll(async () => {
    app = await NestFactory.createApplicationContext(
      DgrApplicationModule.register({ store: () => new SqliteEventStore(join(dir, 'dgr.sqlite')), clock: { now: () => NOW } }),
      { logger: false },
    );
    await app.get(ProjectionRunner).start();
    store = app.get<EventStore>(EVENT_STORE);
    await seed(app.get(CommandBus));
  }, 60_000);

  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--dry-run prints the mails, and sends and records nothing', async () => {
    const smtp = await startSmtp();
    try {
      const head = await store.headPosition();
      const { io, out, err } = collectingIo();
      const outcome = await remind(app, mailConfig(smtp.url), { asOf: AS_OF, dryRun: true }, io);
      expect(outcome.sent).toEqual([]);
      expect(outcome.wouldSend.map((m) => [m.party, m.to, m.subject])).toEqual([
        ['1780', 'registrator@karlstad.se', 'DGR: 2 initiativ väntar på beslut från Karlstad'],
        ['1784', 'registrator@arvika.se', 'DGR: 1 initiativ väntar på beslut från Arvika, 2 beslut saknar datum för justering eller anslag'],
      ]);
      expect(out.join('\n')).toContain('Subject: DGR: 2 initiativ väntar på beslut från Karlstad');
      expect(out[out.length - 1]).toMatch(/dry run.*nothing sent, nothing recorded/);
      expect(err.length).toBeGreaterThan(0);
      expect(smtp.received).toEqual([]);
      expect(await store.headPosition()).toBe(head);
    } finally {
      await smtp.close();
    }
  });

  it('sends exactly one Swedish digest to each party with a contact and something to do, and records each', async () => {
    const smtp = await startSmtp();
    try {
      const { io, out, err } = collectingIo();
      const outcome = await remind(app, mailConfig(smtp.url), { asOf: AS_OF }, io);

      // Region Värmland has a contact but nothing to do; the parties without a contact are reported and skipped.
      expect(smtp.received.map((r) => r.rcptTo)).toEqual([['registrator@karlstad.se'], ['registrator@arvika.se']]);
      expect(outcome.skipped).toEqual(PARTY_IDS.filter((p) => !['17', '1780', '1784'].includes(p)));
      expect(err).toHaveLength(14);
      expect(err.find((l) => l.includes('1785 Säffle'))).toMatch(/no contact address in DGR_PARTY_CONTACTS; skipped \(2 initiativ väntar på beslut/);
      expect(out.filter((l) => / sent to /.test(l))).toEqual([
        expect.stringMatching(/^1780 Karlstad: sent to registrator@karlstad\.se \(2 initiativ väntar på beslut, 0 beslut saknar/),
        expect.stringMatching(/^1784 Arvika: sent to registrator@arvika\.se \(1 initiativ väntar på beslut, 2 beslut saknar/),
      ]);

      const karlstad = smtp.received[0]!;
      expect(karlstad.mailFrom).toBe('dgr@regionvarmland.se');
      expect(karlstad.mail.from?.value).toEqual([{ name: 'DGR-sekretariatet', address: 'dgr@regionvarmland.se' }]);
      expect(karlstad.mail.to && !Array.isArray(karlstad.mail.to) ? karlstad.mail.to.text : null).toBe('registrator@karlstad.se');
      expect(karlstad.mail.subject).toBe('DGR: 2 initiativ väntar på beslut från Karlstad');
      expect(karlstad.mail.headers.get('auto-submitted')).toBe('auto-generated');
      const kText = karlstad.mail.text!;
      expect(kText).toContain('påminnelse från DGR, de gemensamma resurserna i Värmland, till Karlstad per 2024-11-20');
      expect(kText).toContain(`  - ${TITLES.kompetens}\n    Sista beslutsdag: 2024-12-31 (41 dagar kvar)\n    Initiativ-id: ${ids.kompetens}`);
      expect(kText).toContain(`  - ${TITLES.laddning}\n    Sista beslutsdag: 2025-03-31 (131 dagar kvar)`);
      expect(kText.indexOf(TITLES.kompetens)).toBeLessThan(kText.indexOf(TITLES.laddning));
      expect(kText).not.toContain(TITLES.besok);
      expect(kText).not.toContain('saknar datum');

      const arvika = smtp.received[1]!;
      expect(arvika.mail.subject).toBe('DGR: 1 initiativ väntar på beslut från Arvika, 2 beslut saknar datum för justering eller anslag');
      const aText = arvika.mail.text!;
      expect(aText).toContain(`  - ${TITLES.laddning}\n    Sista beslutsdag: 2025-03-31 (131 dagar kvar)`);
      expect(aText).toContain('Beslut från Arvika som saknar datum för justering eller anslag (2):');
      expect(aText).toContain(
        `  - ${TITLES.kompetens}\n    Beslutat: 2024-04-15. Saknas: datum för justering av protokollet och datum för anslag om justeringen`,
      );
      expect(aText).toContain(`  - ${TITLES.earkiv}\n    Beslutat: 2024-04-20.`);

      // Who was reminded when: one ReminderSent per mail, in the party's stream, with the usual metadata.
      expect(await reminderEvents('17')).toEqual([]);
      const [kEvent, ...kMore] = await reminderEvents('1780');
      const [aEvent, ...aMore] = await reminderEvents('1784');
      expect(kMore).toEqual([]);
      expect(aMore).toEqual([]);
      expect(kEvent).toMatchObject({
        type: 'ReminderSent',
        data: {
          party: '1780',
          to: 'registrator@karlstad.se',
          asOf: AS_OF,
          initiativeIds: [ids.kompetens, ids.laddning],
          missingMinutesOrNotice: [],
          subject: 'DGR: 2 initiativ väntar på beslut från Karlstad',
          messageId: karlstad.mail.messageId,
          smtpResponse: expect.stringMatching(/^250/),
        },
        metadata: { recordedAt: NOW, actor: { sub: 'dgr-remind', name: 'dgr remind', role: 'system' } },
      });
      expect(aEvent!.data).toMatchObject({
        initiativeIds: [ids.laddning],
        missingMinutesOrNotice: [
          { initiativeId: ids.kompetens, missing: ['minutesApprovedOn', 'noticePostedOn'] },
          { initiativeId: ids.earkiv, missing: ['minutesApprovedOn', 'noticePostedOn'] },
        ],
        messageId: arvika.mail.messageId,
      });
      expect(aEvent!.metadata.correlationId).toBe(kEvent!.metadata.correlationId);
      expect(outcome.sent.map((s) => s.recorded.position)).toEqual([kEvent!.position, aEvent!.position]);
    } finally {
      await smtp.close();
    }
  });

  it('stops at a recipient the server refuses, naming DGR_SMTP_URL and the address; what was sent before stays recorded', async () => {
    const smtp = await startSmtp((address) => address === 'registrator@arvika.se');
    try {
      const before = { karlstad: (await reminderEvents('1780')).length, arvika: (await reminderEvents('1784')).length };
      const { io } = collectingIo();
      const run = remind(app, mailConfig(smtp.url), { asOf: AS_OF }, io);
      await expect(run).rejects.toThrow(RemindError);
      await expect(run).rejects.toThrow(
        new RegExp(`^DGR_SMTP_URL \\(${smtp.url.replace(/\./g, '\\.')}\\): could not send the reminder to registrator@arvika\\.se \\(1784 Arvika\\): .*550`),
      );
      expect(smtp.received.map((r) => r.rcptTo)).toEqual([['registrator@karlstad.se']]);
      expect((await reminderEvents('1780')).length).toBe(before.karlstad + 1);
      expect((await reminderEvents('1784')).length).toBe(before.arvika);
    } finally {
      await smtp.close();
    }
  });

  it('fails on a closed port, naming DGR_SMTP_URL and the address tried, and records nothing', async () => {
    const url = `smtp://127.0.0.1:${await closedPort()}`;
    const recorded = (await remindersRecorded()).length;
    const run = remind(app, mailConfig(url), { asOf: AS_OF }, collectingIo().io);
    await expect(run).rejects.toThrow(RemindError);
    await expect(run).rejects.toThrow(/^DGR_SMTP_URL \(smtp:\/\/127\.0\.0\.1:\d+\): could not send the reminder to registrator@karlstad\.se \(1780 Karlstad\): .*ECONNREFUSED/);
    expect((await remindersRecorded()).length).toBe(recorded);
  });

  it('refuses to send without DGR_SMTP_URL (a dry run needs none), and refuses a bad --as-of', async () => {
    const head = await store.headPosition();
    await expect(remind(app, mailConfig(null), { asOf: AS_OF }, collectingIo().io)).rejects.toThrow(/^DGR_SMTP_URL is not set/);
    await expect(remind(app, mailConfig(null), { asOf: AS_OF, dryRun: true }, collectingIo().io)).resolves.toMatchObject({ sent: [] });
    await expect(remind(app, mailConfig(null), { asOf: '2024-02-30' }, collectingIo().io)).rejects.toThrow(/--as-of must be a date/);
    expect(await store.headPosition()).toBe(head);
  });

  it('sends nothing when nobody with a contact has anything to do (after every deadline, with every date given)', async () => {
    const smtp = await startSmtp();
    try {
      const { io, out } = collectingIo();
      const config = { ...mailConfig(smtp.url), contacts: { '17': CONTACTS['17'] } };
      const outcome = await remind(app, config, { asOf: '2025-04-01' }, io);
      expect(outcome.sent).toEqual([]);
      expect(smtp.received).toEqual([]);
      expect(out[out.length - 1]).toMatch(/nothing to send/);
    } finally {
      await smtp.close();
    }
  });
});

describe('GET /api/reminders', () => {
  let app: HttpApp;
  let id: string;

  beforeAll(async () => {
    app = await HttpApp.start({ env: { DGR_PARTY_CONTACTS: '{"1780": "registrator@karlstad.se", "1785": "diarium@saffle.se"}' } });
    id = await propose(app, { title: 'Kollektivtrafik i glesbygd', proposedOn: '2025-02-01', decisionDeadline: '2025-12-31' });
    await decideAll(app, id, { parties: ['17', '1715', '1785'], decidedOn: () => '2025-04-15' });
  });

  afterAll(async () => {
    await app.dispose();
  });

  it('lists, as of a day, each party with something to do, in the parties\' order, with its contact', async () => {
    const res = await app.get('/api/reminders?asOf=2025-06-15');
    expect(res.status).toBe(200);
    expect(res.body.asOf).toBe('2025-06-15');
    expect(res.body.parties.map((p: { party: string }) => p.party)).toEqual([...PARTY_IDS]);
    const waiting = [{ initiativeId: id, title: 'Kollektivtrafik i glesbygd', decisionDeadline: '2025-12-31', daysLeft: 199 }];
    const missing = [{ initiativeId: id, title: 'Kollektivtrafik i glesbygd', decidedOn: '2025-04-15', missing: ['minutesApprovedOn', 'noticePostedOn'] }];
    const byParty = (party: string) => res.body.parties.find((p: { party: string }) => p.party === party);
    const totals = (w: number, m: number) => ({ waitingForDecisionTotal: w, missingMinutesOrNoticeTotal: m });
    expect(byParty('1780')).toEqual({ party: '1780', partyName: 'Karlstad', contact: 'registrator@karlstad.se', waitingForDecision: waiting, missingMinutesOrNotice: [], ...totals(1, 0) });
    expect(byParty('1785')).toEqual({ party: '1785', partyName: 'Säffle', contact: 'diarium@saffle.se', waitingForDecision: [], missingMinutesOrNotice: missing, ...totals(0, 1) });
    expect(byParty('1715')).toEqual({ party: '1715', partyName: 'Kil', contact: null, waitingForDecision: [], missingMinutesOrNotice: missing, ...totals(0, 1) });
  });

  it('defaults to today, and judges decisions by their dates', async () => {
    const today = await app.get('/api/reminders');
    expect(today.status).toBe(200);
    expect(today.body.asOf).toBe('2025-06-15');
    const before = await app.get('/api/reminders?asOf=2025-04-14');
    expect(before.body.parties).toHaveLength(17);
    expect(before.body.parties.every((p: { waitingForDecision: unknown[]; missingMinutesOrNotice: unknown[] }) => p.waitingForDecision.length === 1 && p.missingMinutesOrNotice.length === 0)).toBe(true);
    const lapsed = await app.get('/api/reminders?asOf=2026-01-01');
    expect(lapsed.body.parties.map((p: { party: string }) => p.party)).toEqual(['17', '1715', '1785']);
    expect(lapsed.body.parties.every((p: { waitingForDecision: unknown[] }) => p.waitingForDecision.length === 0)).toBe(true);
  });

  it('may be read by every role, and only with a token', async () => {
    for (const token of [tokenFor('clerk', '1730'), tokenFor('finance'), tokenFor('secretariat'), tokenFor('auditor')])
      expect((await app.get('/api/reminders', { authorization: `Bearer ${token}` })).status).toBe(200);
    expectProblem(await app.get('/api/reminders', { authorization: 'none' }), 401);
  });

  it('refuses a day that does not exist, or another parameter, with 400', async () => {
    expectInvalidField(await app.get('/api/reminders?asOf=2025-02-30'), 'asOf');
    expectInvalidField(await app.get('/api/reminders?asOf=idag'), 'asOf');
    expectProblem(await app.get('/api/reminders?partner=1780'), 400);
    expectInvalidField(await app.get('/api/reminders?party=9999'), 'party');
    expectInvalidField(await app.get('/api/reminders?limit=0'), 'limit');
    expectInvalidField(await app.get('/api/reminders?limit=1001'), 'limit');
  });

  it('keeps one party with party=, and cuts each list to limit= with the totals beside it (a page, at any size of log)', async () => {
    const more = await propose(app, { title: 'Bredband i hela länet', proposedOn: '2025-02-01', decisionDeadline: '2025-12-31' });
    const one = await app.get('/api/reminders?asOf=2025-06-15&party=1780&limit=1');
    expect(one.status).toBe(200);
    expect(one.body.parties).toHaveLength(1);
    const karlstad = one.body.parties[0];
    expect(karlstad.party).toBe('1780');
    expect(karlstad.waitingForDecisionTotal).toBe(2);
    expect(karlstad.waitingForDecision).toHaveLength(1);
    const all = await app.get('/api/reminders?asOf=2025-06-15&party=1780');
    expect(all.body.parties[0].waitingForDecision.map((w: { initiativeId: string }) => w.initiativeId).sort()).toEqual([id, more].sort());
  });
});
