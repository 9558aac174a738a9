import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { DEFAULT_SIE_ACCOUNTS, DgrApplicationModule, type Clock, type ReminderContacts, type SieAccounts } from '@dgr/application';
import type { ReadModelDb } from '@dgr/read-model-store';
import type { ProjectionWorkerOptions } from '@dgr/application';
import type { EventStore } from '@dgr/event-store';
import type { BlobStore } from '@dgr/blob-store';
import { EvidenceController } from './evidence/evidence.controller';
import type { CheckpointSigner } from '@dgr/audit';
import { AuditController } from './audit/audit.controller';
import { AccessGuard } from './auth/access.guard';
import { AuthSettings } from './auth/auth-settings';
import { RateLimitGuard, RateLimitSettings } from './auth/rate-limit.guard';
import { ExportsController, SIE_ACCOUNTS } from './exports/exports.controller';
import { FundController } from './fund/fund.controller';
import { HealthController } from './http/health.controller';
import { ProbesController, ReadinessSettings } from './operations/probes.controller';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { validationPipe } from './http/validation';
import { InitiativesController } from './initiatives/initiatives.controller';
import { PartiesController } from './parties/parties.controller';
import { ReportsController } from './reports/reports.controller';
import { REMINDER_CONTACTS, RemindersController } from './reminders/reminders.controller';
import { AssetsController } from './web/assets.controller';
import { PagesController } from './web/pages.controller';
import { PublicPagesController } from './web/public-pages.controller';
import { CC0, type PublicConfig } from '@dgr/config';
import { PublicDataController } from './public/public-data.controller';
import { PublicReader } from './public/public-reader';
import { VerifyInWorker } from './audit/verify-in-worker';
import { PublicSettings } from './public/public-settings';
import { SignInController, SignInOptions } from './web/sign-in.controller';

export interface AppModuleOptions {
  readonly store: EventStore;
  /** Ready while the read models are at most this many events behind the log's head (DGR_READY_MAX_LAG); default 100. */
  readonly readyMaxLag?: number;
  readonly auth: AuthSettings;
  readonly rateLimitPerMinute: number;
  /** Per client address, for requests without a valid token or session (0 or omitted: no limit). */
  readonly rateLimitAnonymousPerMinute?: number;
  readonly clock?: Clock;
  /** Signs the log's checkpoints (GET /api/audit/checkpoint). */
  readonly auditSigner?: CheckpointSigner;
  /** Runs GET /api/audit/verify's whole-log check in a worker thread (create-app); without it, in the process. */
  readonly verifyWorker?: VerifyInWorker;
  /** Grants wait for final consensus (`DGR_REQUIRE_FINAL_CONSENSUS`). */
  readonly requireFinalConsensus?: boolean;
  /** The read models' file (`DGR_READ_MODEL_FILE`); omitted: kept in memory. */
  readonly readModelFile?: string;
  /** The read-model file this process opened and holds (create-app: `openReadModels`); wins over `readModelFile`. */
  readonly readModels?: ReadModelDb;
  /** The business read models are applied on a worker thread (DGR_READ_MODEL_WORKER, ADR 0021): the log's file. */
  readonly projectionWorker?: ProjectionWorkerOptions;
  /** Each party's contact address for reminders (DGR_PARTY_CONTACTS). */
  readonly reminderContacts?: ReminderContacts;
  /** The BAS accounts of the SIE export (DGR_SIE_*_ACCOUNT); default DEFAULT_SIE_ACCOUNTS. */
  readonly sieAccounts?: SieAccounts;
  /** How the web pages sign in (identity provider, dev sign-in). */
  readonly signIn?: SignInOptions;
  /** The public pages and open data (DGR_PUBLIC); default on. Off: their routes are not registered (404). */
  readonly publicView?: PublicConfig;
  /** The decisions' evidence files (DGR_BLOB_DIR). */
  readonly blobs?: BlobStore;
}

/**
 * The HTTP shell. Order for every request: request id → JSON body → AccessGuard (401/403) →
 * RateLimitGuard (429) → IdempotencyInterceptor (on the @Writes routes only) → validation (400) → controller → CommandBus.
 */
@Module({})
export class AppModule implements NestModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    const publicView = options.publicView ?? { enabled: true, license: CC0, baseUrl: null, contactEmail: null };
    const publicControllers = publicView.enabled ? [PublicDataController, PublicPagesController] : [];
    return {
      module: AppModule,
      imports: [TerminusModule.forRoot({ logger: false }), DgrApplicationModule.register({ store: () => options.store, clock: options.clock, auditSigner: options.auditSigner, storeCheck: options.verifyWorker?.check, storeRecheck: options.verifyWorker?.recheck, requireFinalConsensus: options.requireFinalConsensus, blobs: options.blobs, readModelFile: options.readModelFile, readModels: options.readModels, projectionWorker: options.projectionWorker })],
      controllers: [PartiesController, InitiativesController, EvidenceController, FundController, HealthController, ProbesController, AuditController, ReportsController, RemindersController, ExportsController, SignInController, PagesController, AssetsController, ...publicControllers],
      providers: [
        { provide: AuthSettings, useValue: options.auth },
        { provide: ReadinessSettings, useValue: new ReadinessSettings(options.readyMaxLag ?? 100) },
        { provide: SignInOptions, useValue: options.signIn ?? new SignInOptions(null, false) },
        { provide: REMINDER_CONTACTS, useValue: options.reminderContacts ?? {} },
        { provide: SIE_ACCOUNTS, useValue: options.sieAccounts ?? DEFAULT_SIE_ACCOUNTS },
        { provide: PublicSettings, useValue: new PublicSettings(publicView) },
        PublicReader,
        ...(options.verifyWorker ? [{ provide: VerifyInWorker, useValue: options.verifyWorker }] : []),
        { provide: RateLimitSettings, useValue: new RateLimitSettings(options.rateLimitPerMinute, options.rateLimitAnonymousPerMinute ?? 0) },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useValue: validationPipe },
      ],
    };
  }

  configure(_consumer: MiddlewareConsumer): void {
    // Middleware that must run before the body parser is installed in create-app.ts.
  }
}
