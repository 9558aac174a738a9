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
import { AuditLogProjection } from './projections/audit-log.projection';
import { FundProjection } from './projections/fund.projection';
import { InitiativesProjection } from './projections/initiatives.projection';
import { ProjectionRunner } from './projections/projection-runner';
import { ReadModelDb } from '@dgr/read-model-store';
import { RuleViolationsProjection } from './projections/rule-violations.projection';
import { Queries } from './queries';
import { REMINDER_HANDLERS } from './reminders/reminder.handlers';
import { Reminders } from './reminders/reminders';
import { StreamWriter } from './stream-writer';
import { BLOB_STORE, CLOCK, EVENT_STORE, GRANT_POLICY, PROJECTION_WORKER, systemClock, type Clock } from './tokens';
import type { ProjectionWorkerOptions } from './projections/projection-thread';

/** The connection the business read models' instances of this thread use: the process's, or (worker mode) a read-only one. */
const BUSINESS_READS = Symbol('BUSINESS_READS');

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
  /**
   * `readModelFile` is the default one (`DGR_READ_MODEL_FILE` not set): when another process holds it, the next
   * free slot beside it is used (ADR 0020). Without it, a file another process holds stops the start.
   */
  readonly readModelSlots?: boolean;
  /** The read-model file already opened by the caller (`ReadModelDb.openExclusive`); closed at shutdown. Wins over `readModelFile`. */
  readonly readModels?: ReadModelDb;
  /** Runs GET /api/audit/verify's whole-log check off the event loop (the API: a worker thread); default in the process. */
  readonly storeCheck?: StoreCheck;
  /** Runs the re-check after a resumed start off the event loop (the API: a worker thread of low priority); default in the process. */
  readonly storeRecheck?: StoreRecheckRun;
  /**
   * The business read models are applied on a worker thread that holds the read-model file's write connection;
   * this thread reads them on a read-only connection (ADR 0021). Needs a SQLite log in a file and a read-model file.
   */
  readonly projectionWorker?: ProjectionWorkerOptions;
}

/** Closes the store last, after the read models stopped following it (onModuleDestroy comes first). */
@Injectable()
class StoreCloser implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readModels: ReadModelDb,
    private readonly audit: AuditLogProjection,
    @Inject(BUSINESS_READS) private readonly businessReads: ReadModelDb,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    // The audit read model's last rows go into the file before it is closed (and its lock released).
    this.readModels.busyTimeout(30_000);
    this.audit.commit();
    if (this.businessReads !== this.readModels) this.businessReads.close();
    this.readModels.close();
    await this.store.close();
  }
}

/**
 * The process's read-model file (ADR 0018, 0020), or an in-memory one: held by this process alone (its lock), the
 * next free slot when the default file is held by another, and a file SQLite cannot read moved aside and started
 * anew. Says in the log which file it uses when that is not the one configured, and why a file was set aside.
 */
export const openReadModels = (file: string | undefined, slots = false): ReadModelDb => {
  const db = ReadModelDb.openExclusive(file ?? ':memory:', { slots });
  describeReadModels(db, file ?? ':memory:');
  return db;
};

/** The log lines of `openReadModels` (also for a file the caller opened). */
export const describeReadModels = (db: ReadModelDb, requested: string): void => {
  const logger = new Logger('ReadModels');
  if (db.slot > 1)
    logger.log(`The read-model file ${requested} is in use by another process (another instance on this log): this one uses slot ${db.slot}, ${db.file}${db.created ? ', built from the log' : ''}.`);
  if (db.recreated) logger.warn(`The read-model file ${db.file} could not be used: ${db.recreated}. It was started anew and is rebuilt from the log.`);
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
        { provide: ReadModelDb, useFactory: () => options.readModels ?? openReadModels(options.readModelFile, options.readModelSlots === true) },
        { provide: PROJECTION_WORKER, useValue: options.projectionWorker ?? null },
        {
          provide: BUSINESS_READS,
          useFactory: (db: ReadModelDb) => (options.projectionWorker && db.file !== ':memory:' ? new ReadModelDb(db.file, { readOnly: true }) : db),
          inject: [ReadModelDb],
        },
        { provide: InitiativesProjection, useFactory: (db: ReadModelDb) => new InitiativesProjection(db), inject: [BUSINESS_READS] },
        { provide: FundProjection, useFactory: (db: ReadModelDb) => new FundProjection(db), inject: [BUSINESS_READS] },
        AuditLogProjection,
        { provide: RuleViolationsProjection, useFactory: (db: ReadModelDb) => new RuleViolationsProjection(db), inject: [BUSINESS_READS] },
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
