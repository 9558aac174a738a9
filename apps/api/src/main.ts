import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from './config';
import { createApp } from './create-app';

const main = async (): Promise<void> => {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const app = await createApp(config);
  await app.listen(config.port);
  const logger = new Logger('DGR');
  logger.log(`Store: ${config.sqliteFile}`);
  logger.log(`Listening on http://localhost:${config.port} — API docs at http://localhost:${config.port}/api/docs`);
};

void main();
