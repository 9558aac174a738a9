/**
 * Target 2's data: a SQLite file of the store's schema holding `count` realistic events, as the
 * service would have written them over the years: initiative streams (`initiative-<uuid>`: an
 * InitiativeProposed, then PartyDecisionRegistered by the 17 parties) and the fund stream
 * (`fund-dgr`: FundDeposited, GrantAwarded and FundWithdrawn for a few hundred initiatives),
 * payloads shaped as in libs/domain/src/{initiative/initiative,fund/fund}.events.ts.
 *
 * Generated once per event count and kept in <tmpdir>/dgr-bench-data/, so reruns are fast.
 * Bump GENERATOR_VERSION when the generated events change. Columns the store derives from an
 * event (its hash chain) are left to the store: it fills them in when it first opens the file.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EVENT_VERSIONS, FUND_STREAM, PARTY_IDS, type FundEvent, type InitiativeEvent } from '@dgr/domain';
import { SqliteEventStore } from '@dgr/event-store';

const GENERATOR_VERSION = 2;
export const BENCH_DATA_DIR = path.join(os.tmpdir(), 'dgr-bench-data');

/** Type and payload as the domain defines them (checked by the compiler), plus where it goes. */
type GeneratedEvent = (InitiativeEvent | FundEvent) & {
  readonly stream: string;
  readonly revision: number;
  readonly recordedAt: string;
};

const TITLES = [
  'Kompetensplattform Värmland',
  'Laddinfrastruktur för tunga transporter',
  'Besöksnäring längs Klarälven',
  'Digital infrastruktur i glesbygd',
  'Gemensam e-tjänst för bygglov',
  'Ungas psykiska hälsa',
  'Cirkulära flöden i byggsektorn',
  'Kollektivtrafik Karlstad–Arvika',
  'Innovationsslussen Värmland',
  'Attraktiva livsmiljöer i småorter',
];

const LINKS = [
  [{ area: 'Höja kompetensen', goal: 'Hållbar arbetsmarknad' }],
  [{ area: 'Stärka konkurrenskraften', goal: 'Innovationsdrivet näringsliv' }, { area: 'Höja kompetensen' }],
  [{ area: 'Utveckla attraktiva platser', goal: 'Tillgänglig region' }],
  [{ area: 'Förbättra livsvillkoren', goal: 'God och jämlik hälsa' }],
  [],
];

const DAY = 86_400_000;
const FIRST_DAY = Date.parse('2019-01-07T00:00:00Z');
const LAST_DAY = Date.parse('2025-06-30T00:00:00Z');
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const isoAt = (ms: number, minutes: number): string => new Date(ms + (8 * 60 + minutes) * 60_000).toISOString();

/** Exactly `count` events in log order: cohorts of 50 initiatives, their decisions, then the fund's bookings. */
function* realisticEvents(count: number): Generator<GeneratedEvent> {
  const initiatives = Math.max(1, Math.ceil(count / 18));
  const grantEvery = Math.max(1, Math.floor(initiatives / 300));
  const cohort = 50;
  let fundRevision = 0;
  let emitted = 0;
  const emit = function* (e: GeneratedEvent): Generator<GeneratedEvent> {
    if (emitted < count) {
      emitted++;
      yield e;
    }
  };
  for (let first = 0; emitted < count; first += cohort) {
    const members = Array.from({ length: cohort }, (_, k) => {
      const i = first + k;
      const proposedMs = FIRST_DAY + Math.floor(((i % initiatives) / initiatives) * ((LAST_DAY - FIRST_DAY) / DAY)) * DAY;
      const rejecting = i % 37 === 5 ? PARTY_IDS[i % 17] : null;
      return { i, id: randomUUID(), proposedMs, rejecting, granted: rejecting === null && i % grantEvery === 0 };
    });
    for (const m of members) {
      const proposedOn = isoDay(m.proposedMs);
      yield* emit({
        stream: `initiative-${m.id}`,
        revision: 0,
        type: 'InitiativeProposed',
        recordedAt: isoAt(m.proposedMs, m.i % 480),
        data: {
          initiativeId: m.id,
          title: `${TITLES[m.i % TITLES.length]} ${m.i + 1}`,
          summary:
            'Gemensam satsning för hela länet: förstudie, genomförande i tre steg och uppföljning mot Värmlandsstrategins mål. ' +
            `Projektägare är part ${PARTY_IDS[m.i % 17]}, med medverkan från länets kommuner.`,
          proposedBy: PARTY_IDS[m.i % 17],
          proposedOn,
          requestedAmountOre: (5 + (m.i % 40)) * 1_000_000_00,
          strategyLinks: LINKS[m.i % LINKS.length],
          transportProgramme: m.i % LINKS.length === LINKS.length - 1,
          coFinancing: m.i % 3 === 0 ? [{ source: 'Tillväxtverket', amountOre: 2_000_000_00 }] : [],
          decisionDeadline: `${proposedOn.slice(0, 4)}-12-31`,
        },
      });
    }
    for (const [p, party] of PARTY_IDS.entries()) {
      for (const m of members) {
        const decidedMs = m.proposedMs + (14 + p * 5) * DAY;
        const registeredAt = isoAt(decidedMs + 2 * DAY, (m.i + p) % 480);
        yield* emit({
          stream: `initiative-${m.id}`,
          revision: p + 1,
          type: 'PartyDecisionRegistered',
          recordedAt: registeredAt,
          data: {
            initiativeId: m.id,
            party,
            outcome: m.rejecting === party ? 'rejected' : 'approved',
            decidedOn: isoDay(decidedMs),
            body: party === '17' ? 'regionfullmäktige' : 'kommunfullmäktige',
            minuteReference: `§ ${(m.i % 250) + 1}`,
            caseNumber: m.i % 4 === 0 ? null : `KS-${isoDay(decidedMs).slice(0, 4)}/${(m.i % 900) + 100}`,
            registeredAt,
            minutesApprovedOn: null,
            noticePostedOn: null,
            proposalVersion: 1,
            textHash: null,
          },
        });
      }
    }
    for (const m of members.filter((x) => x.granted)) {
      const amountOre = (5 + (m.i % 40)) * 1_000_000_00;
      const grantMs = m.proposedMs + 110 * DAY;
      const fund = (atMs: number, event: FundEvent): GeneratedEvent => ({
        ...event,
        stream: FUND_STREAM,
        revision: fundRevision++,
        recordedAt: isoAt(atMs, m.i % 480),
      });
      const year = isoDay(grantMs).slice(0, 4);
      yield* emit(fund(grantMs - DAY, {
        type: 'FundDeposited',
        data: { amountOre: amountOre + 50_000_000_00, source: 'Kommunalförbundet Region Värmland', bookedOn: isoDay(grantMs - DAY), reference: `VER-${year}-${m.i}` },
      }));
      yield* emit(fund(grantMs, {
        type: 'GrantAwarded',
        data: { initiativeId: m.id, amountOre, decidedOn: isoDay(grantMs), reference: `RV-${year}/${m.i}` },
      }));
      for (const k of [1, 2])
        yield* emit(fund(grantMs + k * 30 * DAY, {
          type: 'FundWithdrawn',
          data: {
            initiativeId: m.id,
            amountOre: (amountOre / 10) * 4,
            bookedOn: isoDay(grantMs + k * 30 * DAY),
            reference: `UTB-${year}-${m.i}-${k}`,
          },
        }));
    }
  }
}

/**
 * Opens the file once with the store itself, so that whatever the current SqliteEventStore does to
 * a file written by an older one (new columns, back-filled hashes…) is done here, before and outside
 * any measurement, and the cached file stays in the current format.
 */
const upgradeWithTheStore = async (file: string, log: (line: string) => void): Promise<void> => {
  const started = Date.now();
  await new SqliteEventStore(file).close();
  const seconds = (Date.now() - started) / 1000;
  if (seconds > 1) log(`  the store brought the file up to date in ${seconds.toFixed(1)} s`);
};

/** The cached file with `count` events, generating it first when there is none. */
export const eventsFile = async (count: number, log: (line: string) => void): Promise<string> => {
  const file = path.join(BENCH_DATA_DIR, `events-${count}-v${GENERATOR_VERSION}.sqlite`);
  if (fs.existsSync(file)) {
    log(`events file: ${file} (cached)`);
    await upgradeWithTheStore(file, log);
    return file;
  }
  fs.mkdirSync(BENCH_DATA_DIR, { recursive: true });
  const partial = path.join(BENCH_DATA_DIR, `events-${count}-v${GENERATOR_VERSION}.partial-${process.pid}.sqlite`);
  log(`events file: generating ${count} events into ${file} (once; cached for later runs)`);
  const started = Date.now();
  // The schema exactly as the store makes it; the rows get the columns every version of it has.
  await new SqliteEventStore(partial).close();
  const db = new Database(partial);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insert = db.prepare('INSERT INTO events (id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
  const writeChunk = db.transaction((events: GeneratedEvent[]) => {
    for (const e of events) {
      const metadata = { recordedAt: e.recordedAt, correlationId: randomUUID(), causationId: null, schemaVersion: EVENT_VERSIONS[e.type], actor: null };
      insert.run(randomUUID(), e.stream, e.revision, e.type, JSON.stringify(e.data), JSON.stringify(metadata));
    }
  });
  let chunk: GeneratedEvent[] = [];
  let written = 0;
  for (const e of realisticEvents(count)) {
    chunk.push(e);
    if (chunk.length === 50_000) {
      writeChunk(chunk);
      written += chunk.length;
      chunk = [];
      if (written % 200_000 === 0) log(`  ${written} events written`);
    }
  }
  writeChunk(chunk);
  db.close();
  // Anything the store derives from the rows (e.g. the hash chains) it computes itself, as for any older file.
  await upgradeWithTheStore(partial, log);
  const compact = new Database(partial);
  compact.pragma('wal_checkpoint(TRUNCATE)');
  compact.exec('VACUUM');
  compact.close();
  for (const suffix of ['-wal', '-shm']) fs.rmSync(partial + suffix, { force: true });
  fs.renameSync(partial, file);
  log(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s, ${(fs.statSync(file).size / 1e6).toFixed(0)} MB`);
  return file;
};
