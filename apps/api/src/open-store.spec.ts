import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@dgr/event-store';
import { ConfigError, loadConfig } from '@dgr/config';
import { createApp } from './create-app';
import { openStore } from './open-store';

describe('choosing the event store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dgr-open-store-'));
  const env = (extra: Record<string, string>) => ({ DGR_SQLITE_FILE: join(dir, 'dgr.sqlite'), DGR_JWT_SECRET: 'x'.repeat(32), ...extra });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is the embedded SQLite file by default', async () => {
    const config = loadConfig(env({}));
    expect(config.store).toEqual({ kind: 'sqlite' });
    const store = await openStore(config);
    expect(store).toBeInstanceOf(SqliteEventStore);
    await store.close();
  });

  it('is EventStoreDB with DGR_STORE=eventstoredb and a connection string', () => {
    const config = loadConfig(env({ DGR_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: ' esdb://db1:2113,db2:2113,db3:2113?tls=true ' }));
    expect(config.store).toEqual({ kind: 'eventstoredb', connectionString: 'esdb://db1:2113,db2:2113,db3:2113?tls=true' });
  });

  it.each<[Record<string, string>, string]>([
    [{ DGR_STORE: 'postgres' }, 'DGR_STORE: must be sqlite or eventstoredb, got "postgres"'],
    [{ DGR_STORE: 'eventstoredb' }, 'EVENTSTORE_CONNECTION_STRING: must be set when DGR_STORE=eventstoredb, e.g. esdb://localhost:2113?tls=false'],
    [{ DGR_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: '  ' }, 'EVENTSTORE_CONNECTION_STRING: must be set when DGR_STORE=eventstoredb'],
    [{ DGR_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'http://localhost:2113' }, 'EVENTSTORE_CONNECTION_STRING: must be a connection string like esdb://'],
  ])('refuses %j, naming the variable', (extra, message) => {
    expect(() => loadConfig(env(extra))).toThrow(ConfigError);
    expect(() => loadConfig(env(extra))).toThrow(message);
  });

  it('an unreachable server stops the start within seconds, in one line naming the variable and the address', async () => {
    const config = loadConfig(env({ DGR_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'esdb://admin:changeit@127.0.0.1:1?tls=false' }));
    const started = Date.now();
    const error = (await createApp(config, { logger: false }).then(
      (app) => app.close(),
      (e: unknown) => e,
    )) as Error;
    expect(Date.now() - started).toBeLessThan(6000);
    expect(error).toBeInstanceOf(ConfigError);
    // main.ts prints it as `Configuration error: <message>` and exits with 2.
    expect(error.message).toMatch(/^EVENTSTORE_CONNECTION_STRING: cannot reach EventStoreDB at esdb:\/\/admin:\*\*\*@127\.0\.0\.1:1\?tls=false: .*ECONNREFUSED/);
    expect(error.message).not.toContain('\n');
    expect(error.message).not.toContain('changeit');
  });
});
