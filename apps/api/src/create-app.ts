import 'reflect-metadata';
import { Logger, type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { AuditService, describeReadModels, ProjectionRunner, type Clock } from '@dgr/application';
import { ReadModelDb, ReadModelFileInUse } from '@dgr/read-model-store';
import { ConfigError, resolveAuditSigner, resolveTokenKeys, type Config } from '@dgr/config';
import type { EventStore } from '@dgr/event-store';
import { AppModule } from './app.module';
import { AuthSettings } from './auth/auth-settings';
import { OidcSignIn } from './auth/oidc';
import { resolveSessionSettings } from './auth/session';
import { SignInOptions } from './web/sign-in.controller';
import { JsonLogger, requestLogMiddleware } from './http/json-logger';
import { openStore } from './open-store';
import { VerifyInWorker } from './audit/verify-in-worker';
import { Metrics } from './operations/metrics';
import { jsonDepthMiddleware, jsonOnlyMiddleware, requestIdMiddleware } from './http/request-context';
import { evidenceBodyMiddleware } from './evidence/evidence-body';
import { FileBlobStore, type BlobStore } from '@dgr/blob-store';

const authSettingsOf = (config: Config): AuthSettings => {
  let keys;
  try {
    keys = resolveTokenKeys(config.auth);
  } catch (e) {
    throw new ConfigError('DGR_SQLITE_FILE', `cannot create the local token secret beside the store: ${(e as Error).message}`);
  }
  try {
    return new AuthSettings(config.auth, keys, resolveSessionSettings(config.web));
  } catch (e) {
    throw new ConfigError('DGR_SQLITE_FILE', `cannot create the local session secret beside the store: ${(e as Error).message}`);
  }
};

/** This process's read-model file: the configured one, or with the default the next free slot (ADR 0020). */
const readModelsOf = (config: Config): ReadModelDb => {
  try {
    return ReadModelDb.openExclusive(config.readModelFile, { slots: config.readModelSlots });
  } catch (e) {
    if (e instanceof ReadModelFileInUse) throw new ConfigError('DGR_READ_MODEL_FILE', e.message);
    throw e;
  }
};

const METRICS = new WeakMap<INestApplication, Metrics>();

/** The app's metrics, when DGR_METRICS is on. */
export const metricsOf = (app: INestApplication): Metrics | null => METRICS.get(app) ?? null;

/**
 * Builds the HTTP app (used by main.ts and by the end-to-end tests) with its read models caught up.
 * `logger`: omitted, structured JSON lines on stdout; `false`, silent.
 * `store`: a store opened by the caller instead of the configured one (tests: the EventStoreDB adapter on a fake client).
 * `blobs`: the evidence files' store instead of the configured folder (tests: a failure injected after a file is written).
 */
export const createApp = async (
  config: Config,
  options: { clock?: Clock; logger?: LoggerService | false; store?: EventStore; blobs?: BlobStore } = {},
): Promise<INestApplication> => {
  const logger = options.logger === undefined ? new JsonLogger() : options.logger;
  const auth = authSettingsOf(config);
  const audit = resolveAuditSigner(config.audit, { create: true });
  const metrics = config.operations.metrics ? new Metrics(config.operations.eventLoopResolutionMs) : null;
  // Before the store: a read-model file another process holds (explicitly configured) stops the start here,
  // with a message naming the variable (ADR 0020). Closed with the app (StoreCloser).
  const readModels = readModelsOf(config);
  let opened: EventStore;
  try {
    opened = options.store ?? (await openStore(config, { onGroupCommit: (appends) => metrics?.groupCommitted(appends) }));
  } catch (e) {
    readModels.close();
    throw e;
  }
  // The whole-log verify runs in a worker thread that opens the configured store itself; a store given by the
  // caller (tests: a fake EventStoreDB client, a blob store with an injected failure) cannot be opened again
  // there, so it is checked in the process.
  const verifyWorker = options.store || options.blobs || (config.store.kind === 'sqlite' && config.sqliteFile === ':memory:') ? undefined : new VerifyInWorker(config);
  const store = metrics ? metrics.timedStore(opened) : opened;
  // The business read models on a worker thread (ADR 0021): it opens the log itself, so only a SQLite log in a
  // file that the caller did not open, and a read-model file (not :memory:).
  const projectionWorker =
    config.readModelWorker && !options.store && config.store.kind === 'sqlite' && config.sqliteFile !== ':memory:' && readModels.file !== ':memory:'
      ? { storeFile: config.sqliteFile }
      : undefined;
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({
      store,
      readyMaxLag: config.operations.readyMaxLag,
      auth,
      rateLimitPerMinute: config.rateLimitPerMinute,
      rateLimitAnonymousPerMinute: config.rateLimitAnonymousPerMinute,
      clock: options.clock,
      auditSigner: audit.signer,
      verifyWorker,
      requireFinalConsensus: config.requireFinalConsensus,
      readModelFile: config.readModelFile,
      readModels,
      projectionWorker,
      reminderContacts: config.mail.contacts,
      sieAccounts: config.sieAccounts,
      signIn: new SignInOptions(config.web.oidc ? new OidcSignIn(config.web.oidc) : null, config.web.devSignIn),
      publicView: config.public,
      blobs: options.blobs ?? new FileBlobStore(config.blobDir),
    }),
    { logger, bodyParser: false },
  );
  describeReadModels(readModels, config.readModelFile);
  if (auth.keys.createdFile)
    new Logger('Auth').log(
      `No DGR_JWT_SECRET or DGR_JWT_PUBLIC_KEY: created a token secret at ${auth.keys.createdFile} (owner-only); \`npx dgr token\` signs with it.`,
    );
  if (auth.session.createdFile)
    new Logger('Auth').log(`No DGR_SESSION_SECRET: created a session secret at ${auth.session.createdFile} (owner-only); several instances need one shared DGR_SESSION_SECRET.`);
  if (config.web.devSignIn) new Logger('Auth').warn('DGR_WEB_DEV_SIGN_IN=true: anyone can sign in to the web pages as any role without authentication. Local trials only.');
  if (audit.createdFile)
    new Logger('Audit').log(`No DGR_AUDIT_SIGNING_KEY: created a checkpoint signing key at ${audit.createdFile} (owner-only); keep it with the log.`);
  app.disable('x-powered-by');
  // The client address (req.ip) the per-address rate limit counts: behind a reverse proxy, every request would
  // otherwise come from the proxy. Express checks the value here (on its own instance: Nest's wrapper would exit).
  if (config.trustProxy !== undefined)
    try {
      (app.getHttpAdapter().getInstance() as { set(setting: string, value: unknown): void }).set('trust proxy', config.trustProxy);
    } catch (e) {
      await app.close();
      throw new ConfigError('DGR_TRUST_PROXY', `must be a number of proxy hops or a comma-separated list of addresses or subnets: ${(e as Error).message}`);
    }
  if (metrics) {
    METRICS.set(app, metrics);
    metrics.observeReadModels(app.get(ProjectionRunner), store);
    app.use(metrics.middleware());
    // Served by Express ahead of Nest's routes: no token, no rate limit; on another port when DGR_METRICS_PORT is set (main.ts).
    if (config.operations.metricsPort === null) app.getHttpAdapter().getInstance().get('/metrics', metrics.handler());
  }
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          // Served over plain http on localhost too; TLS is the reverse proxy's job.
          upgradeInsecureRequests: null,
        },
      },
    }),
  );
  if (config.corsOrigins.length > 0)
    app.enableCors({ origin: [...config.corsOrigins], allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'], exposedHeaders: ['X-Request-Id', 'X-Total-Count', 'Retry-After', 'Repr-Digest', 'X-Content-SHA256', 'Content-Disposition'] });
  // The request id comes first, so that even a refused body (malformed JSON, 413, 415) carries its X-Request-Id.
  app.use(requestIdMiddleware);
  if (logger instanceof JsonLogger) app.use(requestLogMiddleware(logger));
  // The evidence route's PDF body (≤ 10 MiB) has its own parser, ahead of the JSON-only rule that holds everywhere else.
  app.use(evidenceBodyMiddleware);
  app.use(jsonOnlyMiddleware);
  app.useBodyParser('json', { limit: '256kb' });
  // The sign-in forms (/auth/*) post plain HTML forms; jsonOnlyMiddleware refuses such bodies everywhere else.
  app.useBodyParser('urlencoded', { extended: false, limit: '16kb' });
  app.use(jsonDepthMiddleware);
  // SIGTERM and SIGINT are main.ts's (graceful shutdown, exit 0): Nest's own hooks would re-raise the signal.
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('DGR – de gemensamma resurserna')
      .setDescription(
        "Initiatives, the 17 parties' decisions, consensus and the common fund of Region Värmland and the Värmland municipalities. " +
          'Dates are `YYYY-MM-DD` (Swedish calendar days); amounts are integer öre in fields ending in `Ore`. ' +
          'Every endpoint but /api/health needs a bearer token (`npx dgr token` for local use). ' +
          'Errors are `application/problem+json` (RFC 9457).',
      )
      .setVersion('1')
      .addBearerAuth()
      .addSecurityRequirements('bearer')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document);
  await app.get(ProjectionRunner).start();
  // A resumed audit read model did not re-hash the events it had checked before the stop: the whole log is
  // re-checked off the event loop, and no checkpoint is signed before that check has run (docs/audit.md).
  app.get(AuditService).startRecheck();
  return app;
};
