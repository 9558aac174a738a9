import { Logger } from '@nestjs/common';
import { redactConnectionString } from '@dgr/event-store';
import { ConfigError, loadConfig } from '@dgr/config';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, metricsOf } from './create-app';
import { closeGracefully } from './operations/shutdown';

const main = async (): Promise<void> => {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.port);
  const logger = new Logger('DGR');
  const metrics = metricsOf(app);
  const others: Server[] = [];
  if (metrics && config.operations.metricsPort !== null) {
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Only GET /metrics here.\n');
        return;
      }
      metrics.render().then(
        ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
        (e: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${String(e)}\n`),
      );
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(config.operations.metricsPort!, resolve));
    others.push(server);
    logger.log(`Metrics at http://localhost:${(server.address() as AddressInfo).port}/metrics`);
  }
  closeGracefully(app, config.operations.shutdownGraceSeconds, logger, others);
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
