import 'reflect-metadata';
import { Logger, type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { ProjectionRunner, type Clock } from '@dgr/application';
import { ConfigError, resolveAuditSigner, resolveTokenKeys, type Config } from '@dgr/config';
import type { EventStore } from '@dgr/event-store';
import { AppModule } from './app.module';
import { AuthSettings } from './auth/auth-settings';
import { OidcSignIn } from './auth/oidc';
import { resolveSessionSettings } from './auth/session';
import { SignInOptions } from './web/sign-in.controller';
import { JsonLogger, requestLogMiddleware } from './http/json-logger';
import { openStore } from './open-store';
import { Metrics } from './operations/metrics';
import { jsonDepthMiddleware, jsonOnlyMiddleware, requestIdMiddleware } from './http/request-context';

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

const METRICS = new WeakMap<INestApplication, Metrics>();

/** The app's metrics, when DGR_METRICS is on. */
export const metricsOf = (app: INestApplication): Metrics | null => METRICS.get(app) ?? null;

/**
 * Builds the HTTP app (used by main.ts and by the end-to-end tests) with its read models caught up.
 * `logger`: omitted, structured JSON lines on stdout; `false`, silent.
 * `store`: a store opened by the caller instead of the configured one (tests: the EventStoreDB adapter on a fake client).
 */
export const createApp = async (
  config: Config,
  options: { clock?: Clock; logger?: LoggerService | false; store?: EventStore } = {},
): Promise<INestApplication> => {
  const logger = options.logger === undefined ? new JsonLogger() : options.logger;
  const auth = authSettingsOf(config);
  const audit = resolveAuditSigner(config.audit, { create: true });
  const metrics = config.operations.metrics ? new Metrics() : null;
  const opened = options.store ?? (await openStore(config, { onGroupCommit: (appends) => metrics?.groupCommitted(appends) }));
  const store = metrics ? metrics.timedStore(opened) : opened;
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({
      store,
      readyMaxLag: config.operations.readyMaxLag,
      auth,
      rateLimitPerMinute: config.rateLimitPerMinute,
      rateLimitAnonymousPerMinute: config.rateLimitAnonymousPerMinute,
      clock: options.clock,
      auditSigner: audit.signer,
      requireFinalConsensus: config.requireFinalConsensus,
      readModelFile: config.readModelFile,
      reminderContacts: config.mail.contacts,
      sieAccounts: config.sieAccounts,
      signIn: new SignInOptions(config.web.oidc ? new OidcSignIn(config.web.oidc) : null, config.web.devSignIn),
      publicView: config.public,
    }),
    { logger, bodyParser: false },
  );
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
    app.enableCors({ origin: [...config.corsOrigins], allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'], exposedHeaders: ['X-Request-Id', 'X-Total-Count', 'Retry-After'] });
  // The request id comes first, so that even a refused body (malformed JSON, 413, 415) carries its X-Request-Id.
  app.use(requestIdMiddleware);
  if (logger instanceof JsonLogger) app.use(requestLogMiddleware(logger));
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
  return app;
};
