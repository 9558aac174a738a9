import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { EventStore } from '@dgr/event-store';
import type { CheckpointSigner } from '@dgr/audit';
import { AUDIT_SIGNER, AuditService } from './audit/audit.service';
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
import { CLOCK, EVENT_STORE, GRANT_POLICY, systemClock, type Clock } from './tokens';

export interface ApplicationOptions {
  /** Opens the event store; closed again when the application shuts down. */
  readonly store: () => EventStore | Promise<EventStore>;
  readonly clock?: Clock;
  /** Signs the log's checkpoints (AuditService); without it, only proofs are served. */
  readonly auditSigner?: CheckpointSigner;
  /** Grants wait for final consensus (`DGR_REQUIRE_FINAL_CONSENSUS`); default false. */
  readonly requireFinalConsensus?: boolean;
  /** The persistent read models' file (`DGR_READ_MODEL_FILE`, ADR 0013); without it, they are kept in memory. */
  readonly readModelFile?: string;
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

/** The read-model file (ADR 0013), or an in-memory one; a file that cannot be used is started anew (and said so). */
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
        { provide: ReadModelDb, useFactory: () => openReadModels(options.readModelFile) },
        InitiativesProjection,
        FundProjection,
        AuditLogProjection,
        RuleViolationsProjection,
        { provide: AUDIT_SIGNER, useValue: options.auditSigner ?? null },
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
      exports: [CqrsModule, Queries, Reminders, AuditService, ProjectionRunner, Idempotency, EVENT_STORE, CLOCK],
    };
  }
}
