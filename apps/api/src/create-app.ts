import 'reflect-metadata';
import { type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ProjectionRunner, type Clock } from '../../../libs/application/src';
import { AppModule } from './app.module';
import { SqliteEventStore } from '../../../libs/event-store/src';
import { ConfigError, type Config } from './config';
import { jsonOnlyMiddleware, requestIdMiddleware } from './http/request-context';

/** Opens the embedded store before anything else, so that a bad path stops the start with one clear line. */
const openStore = (config: Config): SqliteEventStore => {
  try {
    return new SqliteEventStore(config.sqliteFile);
  } catch (e) {
    throw new ConfigError('DGR_SQLITE_FILE', `cannot open the store at ${config.sqliteFile}: ${(e as Error).message}`);
  }
};

/** Builds the HTTP app (used by main.ts and by the end-to-end tests) with its read models caught up. */
export const createApp = async (
  config: Config,
  options: { clock?: Clock; logger?: LoggerService | false } = {},
): Promise<INestApplication> => {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(openStore(config), options.clock), {
    logger: options.logger === undefined ? undefined : options.logger,
    bodyParser: false,
  });
  // Before the body parser, so that answers to unreadable bodies (malformed JSON, 413) carry X-Request-Id too.
  app.use(requestIdMiddleware);
  app.use(jsonOnlyMiddleware);
  app.useBodyParser('json', { limit: '256kb' });
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('DGR – de gemensamma resurserna')
      .setDescription(
        'Initiatives, the 17 parties\' decisions, consensus and the common fund of Region Värmland and the Värmland municipalities. ' +
          'Dates are `YYYY-MM-DD` (Swedish calendar days); amounts are integer öre in fields ending in `Ore`. ' +
          'Errors are `application/problem+json` (RFC 9457).',
      )
      .setVersion('1')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document);
  await app.get(ProjectionRunner).start();
  return app;
};
