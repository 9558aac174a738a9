import { Logger } from '@nestjs/common';
import { redactConnectionString } from '@dgr/event-store';
import { ConfigError, loadConfig } from '@dgr/config';
import { createApp } from './create-app';

const main = async (): Promise<void> => {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.port);
  const logger = new Logger('DGR');
  logger.log(`Store: ${config.store.kind === 'eventstoredb' ? `EventStoreDB at ${redactConnectionString(config.store.connectionString)}` : config.sqliteFile}`);
  logger.log(`Listening on http://localhost:${config.port} — web pages at http://localhost:${config.port}/, API docs at http://localhost:${config.port}/api/docs`);
  if (!config.web.oidc && !config.web.devSignIn)
    logger.log('Web sign-in: paste a token from `npx dgr token --role … --name …` at /logga-in (or set DGR_OIDC_ISSUER; DGR_WEB_DEV_SIGN_IN=true for local trials).');
};

main().catch((e: unknown) => {
  if (e instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${e.message}\n`);
    process.exit(2);
  }
  if ((e as { code?: string }).code === 'EADDRINUSE') {
    process.stderr.write(`Configuration error: PORT: port ${(e as { port?: number }).port ?? ''} is already in use\n`);
    process.exit(2);
  }
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
