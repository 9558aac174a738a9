import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { EventStore } from '@dgr/event-store';
import type { CheckpointSigner } from '@dgr/audit';
import { InMemoryBlobStore, type BlobStore } from '@dgr/blob-store';
import { EvidenceFiles } from './evidence/evidence-file';
import { EVIDENCE_HANDLERS } from './evidence/evidence.handlers';
import { AUDIT_SIGNER, AuditService } from './audit/audit.service';
import { STORE_CHECK, STORE_RECHECK, type StoreCheck, type StoreRecheckRun } from './audit/verify-store';
import { FUND_HANDLERS } from './fund/fund.handlers';
import { Idempotency } from './idempotency';
import { INITIATIVE_HANDLERS } from './initiatives/initiative.handlers';
import { AUDIT_READ_MODEL_FILE, AuditLogProjection } from './projections/audit-log.projection';
import { FundProjection } from './projections/fund.projection';
import { InitiativesProjection } from './projections/initiatives.projection';
import { ProjectionRunner } from './projections/projection-runner';
import { ReadModelDb } from '@dgr/read-model-store';
import { RuleViolationsProjection } from './projections/rule-violations.projection';
import { Queries } from './queries';
import { REMINDER_HANDLERS } from './reminders/reminder.handlers';
import { Reminders } from './reminders/reminders';
import { StreamWriter } from './stream-writer';
import { BLOB_STORE, CLOCK, EVENT_STORE, GRANT_POLICY, systemClock, type Clock } from './tokens';

export interface ApplicationOptions {
  /** Opens the event store; closed again when the application shuts down. */
  readonly store: () => EventStore | Promise<EventStore>;
  readonly clock?: Clock;
  /** Signs the log's checkpoints (AuditService); without it, only proofs are served. */
  readonly auditSigner?: CheckpointSigner;
  /** Grants wait for final consensus (`DGR_REQUIRE_FINAL_CONSENSUS`); default false. */
  readonly requireFinalConsensus?: boolean;
  /** The evidence files (DGR_BLOB_DIR); default an empty in-memory store (tests that attach none). */
  readonly blobs?: BlobStore;
  /** The read models' file (`DGR_READ_MODEL_FILE`); omitted or `:memory:`, they are rebuilt in memory at each start. */
  readonly readModelFile?: string;
  /** Runs GET /api/audit/verify's whole-log check off the event loop (the API: a worker thread); default in the process. */
  readonly storeCheck?: StoreCheck;
  /** Runs the re-check after a resumed start off the event loop (the API: a worker thread of low priority); default in the process. */
  readonly storeRecheck?: StoreRecheckRun;
}

/** Closes the store last, after the read models stopped following it (onModuleDestroy comes first). */
@Injectable()
class StoreCloser implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readModels: ReadModelDb,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    this.readModels.close();
    await this.store.close();
  }
}

/** The read-model file (ADR 0018), or an in-memory one; a file that cannot be used is started anew (and said so). */
const openReadModels = (file: string | undefined): ReadModelDb => {
  const db = new ReadModelDb(file ?? ':memory:');
  if (db.recreated)
    new Logger('ReadModels').warn(`The read-model file ${file} could not be used (${db.recreated}): it was started anew and is rebuilt from the log.`);
  return db;
};

/** The command handlers, read models and queries, over whichever event store is given. */
@Module({})
export class DgrApplicationModule {
  static register(options: ApplicationOptions): DynamicModule {
    return {
      module: DgrApplicationModule,
      imports: [CqrsModule.forRoot()],
      providers: [
        { provide: EVENT_STORE, useFactory: options.store },
        { provide: CLOCK, useValue: options.clock ?? systemClock },
        { provide: GRANT_POLICY, useValue: { requireFinalConsensus: options.requireFinalConsensus === true } },
        { provide: BLOB_STORE, useValue: options.blobs ?? new InMemoryBlobStore() },
        EvidenceFiles,
        ...EVIDENCE_HANDLERS,
        { provide: ReadModelDb, useFactory: () => openReadModels(options.readModelFile) },
        InitiativesProjection,
        FundProjection,
        { provide: AUDIT_READ_MODEL_FILE, useValue: options.readModelFile ?? null },
        AuditLogProjection,
        RuleViolationsProjection,
        { provide: AUDIT_SIGNER, useValue: options.auditSigner ?? null },
        { provide: STORE_CHECK, useValue: options.storeCheck ?? null },
        { provide: STORE_RECHECK, useValue: options.storeRecheck ?? null },
        AuditService,
        ProjectionRunner,
        StreamWriter,
        Queries,
        Idempotency,
        StoreCloser,
        ...INITIATIVE_HANDLERS,
        ...FUND_HANDLERS,
        ...REMINDER_HANDLERS,
        Reminders,
      ],
      exports: [CqrsModule, Queries, Reminders, AuditService, ProjectionRunner, Idempotency, EvidenceFiles, EVENT_STORE, CLOCK, BLOB_STORE],
    };
  }
}
