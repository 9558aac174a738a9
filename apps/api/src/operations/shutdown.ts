import type { INestApplication, LoggerService } from '@nestjs/common';
import type { Server } from 'node:http';

/**
 * Graceful shutdown on SIGTERM (and SIGINT): stop accepting connections, let in-flight requests finish for at
 * most `graceSeconds` (then their connections are closed), close the app (the read models stop, the store
 * commits what is queued and closes), and exit 0. A shutdown that still hangs exits 1 after a further 5 s.
 */
export const closeGracefully = (app: INestApplication, graceSeconds: number, logger: LoggerService, others: readonly Server[] = []): void => {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    const servers = [app.getHttpServer() as Server, ...others];
    // Stop listening first, and wait for the requests in flight before Nest's own close: that one stops the
    // read models (onModuleDestroy) before it closes the HTTP server, and a command in flight waits for them.
    const drained = Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    for (const s of servers) s.closeIdleConnections();
    logger.log(`${signal}: no new connections; waiting up to ${graceSeconds} s for requests in flight`, 'Shutdown');
    const force = setTimeout(() => {
      logger.warn?.(`Requests still in flight after ${graceSeconds} s: closing their connections`, 'Shutdown');
      for (const s of servers) s.closeAllConnections();
    }, graceSeconds * 1000);
    const hard = setTimeout(() => {
      logger.error('The shutdown did not finish: exiting with 1', undefined, 'Shutdown');
      process.exit(1);
    }, (graceSeconds + 5) * 1000);
    hard.unref();
    drained
      .then(() => {
        clearTimeout(force);
        return app.close();
      })
      .then(() => {
        logger.log('Stopped: the store is flushed and closed', 'Shutdown');
        process.exit(0);
      })
      .catch((e: unknown) => {
        logger.error(`The shutdown failed: ${String(e)}`, undefined, 'Shutdown');
        process.exit(1);
      });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
};
