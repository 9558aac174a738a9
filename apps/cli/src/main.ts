import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { parseArgs } from 'node:util';
import { FileBlobStore, type BlobStore } from '@dgr/blob-store';
import { DgrApplicationModule, ProjectionRunner, Queries } from '@dgr/application';
import { DomainError, isCalendarDate, stockholmDateOf } from '@dgr/domain';
import { SqliteEventStore, UnreadableEvent } from '@dgr/event-store';
import { ReadModelDb } from '@dgr/read-model-store';
import { ConfigError, loadConfig, resolveAuditSigner } from '@dgr/config';
import type { CheckpointSigner } from '@dgr/audit';
import { demoHistory } from './demo-history';
import { runExport } from './export';
import { ExportError } from './export-error';
import { runImport } from './import';
import { CopyError, runCopy } from './copy';
import { progressBar } from './progress';
import { replayCommand } from './replay';
import { rebuildCommand, RebuildRefused, type RebuildResult } from './rebuild';
import { reportCommand } from './report';
import { remind, RemindError } from './remind';
import { playDemo } from './seed-demo';
import { stateText } from './state-text';
import { tokenCommand, TokenUsageError } from './token';
import { runVerify, VerifyUsageError } from './verify';
import { verifyPublic, VerifyPublicError } from './verify-public';

const USAGE = `dgr — the DGR service's command line

Usage:
  dgr seed-demo [--file PATH]              Write the demo history into an empty store.
  dgr status [--file PATH] [--as-of DATE]  Replay the log and print the fund's years and every initiative's status.
                                           Exits 2 naming the first event this version cannot read (the state
                                           printed is the one before it).
  dgr replay [--until-position N | --known-at INSTANT] [--file PATH]
                                           Rebuild every read model from an empty state (with a progress bar),
                                           print the years, the statuses and the state's canonical hash.
  dgr token --role ROLE [--party CODE] [--name NAME] [--sub ID] [--days N] [--file PATH]
                                           Print a signed token (HS256) for local use, and nothing else.
                                           ROLE: secretariat, clerk (needs --party), finance, auditor.
                                           --days N: at most DGR_TOKEN_MAX_DAYS (default 30); 30 unless that is less.
  dgr export --format jsonl [--out FILE] [--with-blobs DIR] [--file PATH]
                                           The whole log, lossless, one JSON object a line, with every hash.
                                           --with-blobs DIR: also every evidence file the log names (checked
                                           against its hash), in the blob folder's layout.
  dgr export --format csv --what decisions|ledger|initiatives [--separator ';'] [--as-of DATE]
             [--excel | --no-excel] [--bom | --no-bom] [--out FILE] [--file PATH]
                                           A read model as CSV (UTF-8). For Excel (the default with ';'): a BOM,
                                           a ' before a text Excel would run as a formula (=, +, -, @), invisible
                                           controls shown as [U+202E]. For programs (otherwise): texts as stored.
  dgr export --format sie --year Y [--out FILE] [--file PATH]
                                           The fund's sub-ledger for year Y as an SIE 4E file (PC8), accounts
                                           from DGR_SIE_FUND_ACCOUNT, _DEPOSIT_, _PAYOUT_ and _RETURN_ACCOUNT.
  dgr import --from FILE.jsonl [--file PATH]
                                           A jsonl export into an empty store; refuses the first line whose
                                           position or hash does not come out as exported.
  dgr copy --from STORE --to STORE         The whole log from one store to another, in order, every event at its
                                           position with its hash (checked before and after), with a progress bar.
                                           STORE: sqlite:FILE or eventstoredb:esdb://host:2113?tls=false. Only into
                                           an empty store, or resuming an interrupted copy of the same log.
                                           The evidence files go first, page by page, checked against their hash:
                                           [--from-blobs DIR] [--to-blobs DIR], default blobs/ beside an SQLite
                                           store's file, DGR_BLOB_DIR for EventStoreDB.
  dgr verify [--checkpoint FILE [--public-key PEM]] [--print-checkpoint] [--fail-on-rules] [--file PATH]
                                           Re-read every event, recompute every hash, chain link and the Merkle
                                           tree; with a checkpoint (JSON of GET /api/audit/checkpoint), check its
                                           signature and that the log extends it. Exits 1 naming the first event
                                           that does not match, or the first one this version cannot read. Also scans the log for broken business rules (a
                                           grant on a cancelled initiative…) and lists them by position apart
                                           from the hashes (with --fail-on-rules, exits 2 when any is). --print-checkpoint: print a signed checkpoint of
                                           the verified log as JSON (npx dgr verify --print-checkpoint > cp.json).
  dgr verify-public URL [--public-key PEM] [--previous FILE] [--state DIR]
                                           Check the service's published checkpoint from outside, no store needed:
                                           its signature against a pinned key (--public-key, or the key saved in
                                           DIR, default .dgr-public, on first use) and, by a consistency proof,
                                           that the log extends the checkpoint saved at the last run (or
                                           --previous FILE); saves the new one. Exits 1 on a failed check.
  dgr report --year Y [--format md|html|json] [--out FILE] [--file PATH]
                                           The annual report to Värmlandsrådet (as GET /api/reports/annual/Y),
                                           with the log's signed checkpoint; Markdown by default.
  dgr remind [--as-of DATE] [--dry-run] [--file PATH]
                                           E-mail each party with a contact address (DGR_PARTY_CONTACTS) one digest
                                           in Swedish through DGR_SMTP_URL: the open initiatives waiting for its
                                           decision and its decisions lacking minutes/notice dates (as GET
                                           /api/reminders); records a ReminderSent event per mail. --dry-run: print
                                           the mails, send and record nothing. --asOf is the same as --as-of.
  dgr rebuild [--check] [--file PATH]      Rebuild the persistent read models (DGR_READ_MODEL_FILE, default
                                           read-models.sqlite beside the store) from the log; run it with the
                                           service stopped (refused while an instance holds the file). With the
                                           default file, the other instances' slots (read-models.2.sqlite, …)
                                           are removed: each is rebuilt by the next instance that takes it.
                                           --check: bring them up to the log's head, rebuild a copy in a
                                           temporary file, print both canonical hashes; exit 1 when they differ.
  dgr help                                 This text.

The store is DGR_SQLITE_FILE (default ./data/dgr.sqlite) unless --file is given. Without DGR_JWT_SECRET,
tokens are signed with the secret in the store's folder (jwt-secret), created on first use and shared
with the service.
`;

class UsageError extends Error {}

/**
 * The application over the file, its read models caught up. A log with an event this version cannot read is
 * refused (UnreadableEvent, one line naming it), so that no report or export is made of part of the log;
 * `dgr status` alone asks for the state before it (`allowUnreadable`).
 */
const openContext = async (file: string, auditSigner?: CheckpointSigner, options: { allowUnreadable?: boolean; blobs?: BlobStore } = {}) => {
  // A command is one more process on the log: while the service holds the read-model file, it takes the next
  // free slot beside it (also beside a file set explicitly), built from the log the first time (ADR 0020).
  const requested = loadConfig(undefined, { DGR_SQLITE_FILE: file }).readModelFile;
  const readModels = ReadModelDb.openExclusive(requested, { slots: requested !== ':memory:' });
  if (readModels.slot > 1 && readModels.created)
    process.stderr.write(`dgr: ${requested} is in use by another process (the service?): the read models are built from the log into ${readModels.file} (once; later commands resume it).\n`);
  const app = await NestFactory.createApplicationContext(
    DgrApplicationModule.register({ store: () => new SqliteEventStore(file), auditSigner, blobs: options.blobs, readModelFile: requested, readModels }),
    { logger: false },
  );
  app.enableShutdownHooks();
  await app.get(ProjectionRunner).start();
  const unreadable = app.get(ProjectionRunner).unreadable;
  if (unreadable && !options.allowUnreadable) {
    await app.close();
    throw unreadable;
  }
  return app;
};

const seedDemo = async (file: string, blobDir: string): Promise<void> => {
  const probe = new SqliteEventStore(file);
  const head = await probe.headPosition();
  await probe.close();
  if (head > 0) throw new UsageError(`${file} already holds ${head} events; the demo history is only written into an empty store.`);
  const app = await openContext(file, undefined, { blobs: new FileBlobStore(blobDir) });
  try {
    const steps = demoHistory(stockholmDateOf(new Date().toISOString()));
    const ids = await playDemo(app.get(CommandBus), steps, progressBar('seed-demo'));
    const head = app.get(ProjectionRunner).caughtUpTo;
    process.stdout.write(`Wrote the demo history to ${file}: ${ids.size} initiatives, ${head} events.\n`);
  } finally {
    await app.close();
  }
};

/** Exits 2 after the state when the log holds an event this version cannot read: the state is the one before it. */
const status = async (file: string, asOf: string | undefined): Promise<number> => {
  const app = await openContext(file, undefined, { allowUnreadable: true });
  try {
    const q = app.get(Queries);
    const day = asOf ?? q.today();
    const runner = app.get(ProjectionRunner);
    process.stdout.write(stateText(q, day, `DGR per ${day} (${file}, ${runner.caughtUpTo} händelser)`));
    if (!runner.unreadable) return 0;
    process.stderr.write(`dgr: ${runner.unreadable.message}. The state above is the one before it. Upgrade dgr, or see docs/operations.md.\n`);
    return 2;
  } finally {
    await app.close();
  }
};

const main = async (argv: string[]): Promise<number> => {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      file: { type: 'string' },
      'as-of': { type: 'string' },
      'until-position': { type: 'string' },
      'known-at': { type: 'string' },
      role: { type: 'string' },
      party: { type: 'string' },
      name: { type: 'string' },
      sub: { type: 'string' },
      days: { type: 'string' },
      format: { type: 'string' },
      what: { type: 'string' },
      separator: { type: 'string' },
      year: { type: 'string' },
      out: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      'with-blobs': { type: 'string' },
      'from-blobs': { type: 'string' },
      'to-blobs': { type: 'string' },
      bom: { type: 'boolean' },
      'no-bom': { type: 'boolean' },
      excel: { type: 'boolean' },
      'no-excel': { type: 'boolean' },
      checkpoint: { type: 'string' },
      'print-checkpoint': { type: 'boolean' },
      'public-key': { type: 'string' },
      'fail-on-rules': { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      check: { type: 'boolean' },
      asOf: { type: 'string' },
      state: { type: 'string' },
      previous: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command] = positionals;
  if (!command || command === 'help' || values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const config = loadConfig(undefined, { DGR_SQLITE_FILE: values.file });
  const file = config.sqliteFile;
  switch (command) {
    case 'token':
      try {
        process.stdout.write(tokenCommand(config, values, (line) => process.stderr.write(`${line}\n`)) + '\n');
      } catch (e) {
        throw e instanceof TokenUsageError ? new UsageError(e.message) : e;
      }
      return 0;
    case 'replay': {
      const until = values['until-position'];
      const knownAt = values['known-at'];
      if (until !== undefined && knownAt !== undefined) throw new UsageError('give --until-position or --known-at, not both');
      if (until !== undefined && !/^\d+$/.test(until)) throw new UsageError(`--until-position must be a whole number, got "${until}"`);
      if (knownAt !== undefined && Number.isNaN(Date.parse(knownAt))) throw new UsageError(`--known-at must be an instant like 2024-02-01T12:00:00+01:00, got "${knownAt}"`);
      process.stdout.write(await replayCommand(file, { untilPosition: until === undefined ? undefined : Number(until), knownAt }));
      return 0;
    }
    case 'rebuild': {
      let result: RebuildResult;
      try {
        result = await rebuildCommand(file, config.readModelFile, { check: values.check === true, slots: config.readModelSlots });
      } catch (e) {
        throw e instanceof RebuildRefused ? new UsageError(e.message) : e;
      }
      if (result.kept === undefined) {
        process.stdout.write(`Rebuilt the read models in ${config.readModelFile} from the log: ${result.position} events.\n`);
        for (const slot of result.removed ?? []) process.stdout.write(`Removed ${slot}: the instance that next uses it rebuilds it from the log.\n`);
        return 0;
      }
      process.stdout.write(`position ${result.position}\nkept     ${result.kept}\nrebuilt  ${result.rebuilt}\n`);
      if (result.kept === result.rebuilt) return 0;
      process.stderr.write('dgr: the read models differ from a rebuild from the log; run `npx dgr rebuild` with the service stopped.\n');
      return 1;
    }
    case 'seed-demo':
      await seedDemo(file, config.blobDir);
      return 0;
    case 'report': {
      const year = values.year;
      const format = values.format ?? 'md';
      if (year === undefined || !/^\d{4}$/.test(year)) throw new UsageError('--year must be a year like 2024');
      if (format !== 'md' && format !== 'html' && format !== 'json') throw new UsageError('--format must be md, html or json');
      const app = await openContext(file, resolveAuditSigner(config.audit, { create: true }).signer);
      try {
        await reportCommand(app, Number(year), format, values.out);
      } finally {
        await app.close();
      }
      return 0;
    }
    case 'verify':
      try {
        return runVerify(config, values);
      } catch (e) {
        throw e instanceof VerifyUsageError ? new UsageError(e.message) : e;
      }
    case 'copy':
      try {
        process.stdout.write(await runCopy(values.from, values.to, { blobs: { from: values['from-blobs'], to: values['to-blobs'], fallback: config.blobDir } }));
      } catch (e) {
        throw e instanceof CopyError ? new UsageError(e.message) : e;
      }
      return 0;
    case 'export':
    case 'import':
      try {
        if (command === 'export') await runExport(file, values, config, openContext);
        else process.stdout.write(await runImport(file, values.from));
      } catch (e) {
        throw e instanceof ExportError ? new UsageError(e.message) : e;
      }
      return 0;
    case 'remind': {
      const asOf = values['as-of'] ?? values.asOf;
      if (asOf !== undefined && !isCalendarDate(asOf)) throw new UsageError(`--as-of must be a date YYYY-MM-DD, got "${asOf}"`);
      const app = await openContext(file);
      try {
        await remind(app, config.mail, { asOf, dryRun: values['dry-run'] === true });
      } catch (e) {
        throw e instanceof RemindError ? new UsageError(e.message) : e;
      } finally {
        await app.close();
      }
      return 0;
    }
    case 'verify-public': {
      const url = positionals[1];
      if (url === undefined) throw new UsageError("give the service's address: dgr verify-public https://dgr.regionvarmland.se");
      try {
        const result = await verifyPublic({
          url,
          publicKeyFile: values['public-key'],
          previousFile: values.previous,
          stateDir: values.state,
          today: stockholmDateOf(new Date().toISOString()),
        });
        process.stdout.write(`${result.lines.join('\n')}\n`);
      } catch (e) {
        throw e instanceof VerifyPublicError ? new UsageError(e.message) : e;
      }
      return 0;
    }
    case 'status': {
      const asOf = values['as-of'];
      if (asOf !== undefined && !isCalendarDate(asOf)) throw new UsageError(`--as-of must be a date YYYY-MM-DD, got "${asOf}"`);
      return status(file, asOf);
    }
    default:
      throw new UsageError(`Unknown command "${command}".\n\n${USAGE}`);
  }
};

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError || e instanceof ConfigError || e instanceof DomainError || e instanceof UnreadableEvent || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
      process.stderr.write(`dgr: ${(e as Error).message}\n`);
    else process.stderr.write(`dgr: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
