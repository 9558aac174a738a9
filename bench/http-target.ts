/**
 * Child process: serves one HTTP target on 127.0.0.1 (random port) until told to stop.
 *   http-target bare          the bare Nest POST endpoint (bare-app.ts)
 *   http-target real <file> [<env json>]   the real app, createApp on the given SQLite file (WAL, synchronous=FULL,
 *                             exactly as the service opens it), with the system clock, configured
 *                             as main.ts does (loadConfig) from: port 0, the file, the bench's JWT
 *                             secret, and the per-subject rate limit off (it would answer 429 to a
 *                             load test: the bench measures capacity, not the limit)
 * Messages: → {kind:'ready', port}; ← 'cpu' → {kind:'cpu', user, system} (µs); ← 'stop'.
 */
import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@dgr/config';
import { createApp } from '../apps/api/src/create-app';
import { createBareApp } from './bare-app';
import { reply, runChild } from './ipc';
import { BENCH_JWT_SECRET } from './tokens';

export type TargetMessage =
  | { kind: 'ready'; port: number }
  | { kind: 'cpu'; user: number; system: number }
  | { kind: 'stopped' };

if (require.main === module) runChild(async () => {
  const [mode, file, extraEnv] = process.argv.slice(2);
  let app: INestApplication;
  if (mode === 'bare') app = await createBareApp();
  else if (mode === 'real' && file) {
    // The bench's --server-env first, so that the four the measurement needs stay as they are.
    const extra = JSON.parse(extraEnv ?? '{}') as Record<string, string>;
    const env = { ...extra, PORT: '0', DGR_SQLITE_FILE: file, DGR_JWT_SECRET: BENCH_JWT_SECRET, DGR_RATE_LIMIT_PER_MINUTE: '0' };
    app = await createApp(loadConfig(env), { logger: false });
  }
  else throw new Error(`usage: http-target bare | real <file> (got ${String(mode)})`);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.on('message', (m: { kind: string }) => {
    if (m.kind === 'cpu') reply({ kind: 'cpu', ...process.cpuUsage() });
    if (m.kind === 'stop')
      void app.close().then(() => {
        reply({ kind: 'stopped' });
        process.disconnect?.();
      });
  });
  reply({ kind: 'ready', port });
});
