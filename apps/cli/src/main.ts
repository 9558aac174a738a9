import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { parseArgs } from 'node:util';
import { DgrApplicationModule, ProjectionRunner, Queries } from '../../../libs/application/src';
import { DomainError, formatOre, isCalendarDate, stockholmDateOf } from '../../../libs/domain/src';
import { SqliteEventStore } from '../../../libs/event-store/src';
import { ConfigError, loadConfig } from '../../api/src/config';
import { demoHistory } from './demo-history';
import { playDemo } from './seed-demo';

const USAGE = `dgr — the DGR service's command line

Usage:
  dgr seed-demo [--file PATH]              Write the demo history into an empty store.
  dgr status [--file PATH] [--as-of DATE]  Replay the log and print the fund's years and every initiative's status.
  dgr help                                 This text.

The store is DGR_SQLITE_FILE (default ./data/dgr.sqlite) unless --file is given.
`;

class UsageError extends Error {}

const openContext = async (file: string) => {
  const app = await NestFactory.createApplicationContext(
    DgrApplicationModule.register({ store: () => new SqliteEventStore(file) }),
    { logger: false },
  );
  app.enableShutdownHooks();
  await app.get(ProjectionRunner).start();
  return app;
};

const seedDemo = async (file: string): Promise<void> => {
  const probe = new SqliteEventStore(file);
  const head = await probe.headPosition();
  await probe.close();
  if (head > 0) throw new UsageError(`${file} already holds ${head} events; the demo history is only written into an empty store.`);
  const app = await openContext(file);
  try {
    const steps = demoHistory(stockholmDateOf(new Date().toISOString()));
    const ids = await playDemo(app.get(CommandBus), steps, (done, total) => {
      if (process.stderr.isTTY) process.stderr.write(`\r  ${done}/${total} steg`);
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    const head = app.get(ProjectionRunner).caughtUpTo;
    process.stdout.write(`Wrote the demo history to ${file}: ${ids.size} initiatives, ${head} events.\n`);
  } finally {
    await app.close();
  }
};

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const padLeft = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

const status = async (file: string, asOf: string | undefined): Promise<void> => {
  const app = await openContext(file);
  try {
    const q = app.get(Queries);
    const day = asOf ?? q.today();
    const fund = q.fundStatus();
    const out: string[] = [];
    out.push(`DGR per ${day} (${file}, ${app.get(ProjectionRunner).caughtUpTo} händelser)`, '');
    out.push(`Saldo ${formatOre(fund.balanceOre)} · beviljat ej utbetalt ${formatOre(fund.committedOre)} · disponibelt ${formatOre(fund.availableOre)}`, '');
    out.push(['År', 'Ingående', 'Insättningar', 'Utbetalningar', 'Återföringar', 'Utgående', 'Förändring', ''].map((h, i) => (i === 0 ? pad(h, 6) : padLeft(h, 20))).join(''));
    for (const y of q.fundYears())
      out.push(
        pad(String(y.year), 6) +
          [y.openingOre, y.depositsOre, y.withdrawalsOre, y.returnsOre, y.closingOre, y.changeOre].map((v) => padLeft(formatOre(v), 20)).join('') +
          (y.closed ? '  stängt' : ''),
      );
    out.push('', 'Initiativ');
    for (const i of q.listInitiatives(day))
      out.push(
        `  ${pad(i.status, 10)} ${pad(`${i.consensus.approved.length}/17`, 6)} ${pad(i.decisionDeadline, 11)} ${padLeft(formatOre(i.grantedOre), 18)}  ${i.title} (${i.id})`,
      );
    process.stdout.write(out.join('\n') + '\n');
  } finally {
    await app.close();
  }
};

const main = async (argv: string[]): Promise<number> => {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { file: { type: 'string' }, 'as-of': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command] = positionals;
  if (!command || command === 'help' || values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const file = values.file ?? loadConfig().sqliteFile;
  switch (command) {
    case 'seed-demo':
      await seedDemo(file);
      return 0;
    case 'status': {
      const asOf = values['as-of'];
      if (asOf !== undefined && !isCalendarDate(asOf)) throw new UsageError(`--as-of must be a date YYYY-MM-DD, got "${asOf}"`);
      await status(file, asOf);
      return 0;
    }
    default:
      throw new UsageError(`Unknown command "${command}".\n\n${USAGE}`);
  }
};

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError || e instanceof ConfigError || e instanceof DomainError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
      process.stderr.write(`dgr: ${(e as Error).message}\n`);
    else process.stderr.write(`dgr: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
