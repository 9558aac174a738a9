import { Inject, Injectable, Logger, Optional, type OnModuleDestroy } from '@nestjs/common';
import { ReadModelDb } from '@dgr/read-model-store';
import { UnreadableEvent, type EventStore, type RecordedEvent, type Subscription } from '@dgr/event-store';
import { describeUnreadable, ServiceUnavailable } from '../service-unavailable';
import { EVENT_STORE, PROJECTION_WORKER } from '../tokens';
import { ProjectionThread, type ProjectionWorkerOptions } from './projection-thread';
import { AuditLogProjection } from './audit-log.projection';
import { ReadModels } from './read-models';
import { FundProjection } from './fund.projection';
import { InitiativesProjection } from './initiatives.projection';
import { RuleViolationsProjection } from './rule-violations.projection';

/** A command's answer waits at most this long for the read models (then 503), so a write never hangs. */
export const WAIT_FOR_DEADLINE_MS = 4000;
const RETRY_AFTER_SECONDS = 5;
/** While catching up, the log says how far it got every this many events. */
const PROGRESS_EVERY = 50_000;

interface Waiter {
  readonly position: number;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
  timer: NodeJS.Timeout | null;
}

/**
 * Feeds the read models from the store's global log, in order: from the start when the service
 * boots, then live. Read models are never rebuilt per request. `waitFor` lets a command's answer
 * wait until the read models include its own events, within a deadline. An event this version cannot read
 * stops them before it (ADR 0011): reads keep answering from the state before it, writes answer 503.
 */
@Injectable()
export class ProjectionRunner implements OnModuleDestroy {
  private readonly logger = new Logger(ProjectionRunner.name);
  private position = 0;
  private subscription: Subscription | null = null;
  private waiters: Waiter[] = [];
  private stoppedAt: UnreadableEvent | null = null;
  private catchUp: { from: number; head: number; logged: number } | null = null;
  /** The same business read models a replay builds, here the live (injected) ones. */
  private readonly business: ReadModels;

  /** The projection worker (ADR 0021), when the business read models are applied there; null: in this thread. */
  private thread: ProjectionThread | null = null;
  /** In worker mode: the position the worker's read models reached, and the audit read model's (applied here). */
  private businessAt = 0;
  private auditAt = 0;
  private dayChanges = 0;
  /** Why the projection worker stopped (an error other than an unreadable event), or null. */
  private failed: string | null = null;
  /** A day whose statuses were asked for before the worker started. */
  private statusDayBeforeStart: string | null = null;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    initiatives: InitiativesProjection,
    fund: FundProjection,
    private readonly audit: AuditLogProjection,
    rules: RuleViolationsProjection,
    @Optional() @Inject(PROJECTION_WORKER) private readonly worker: ProjectionWorkerOptions | null = null,
    @Optional() @Inject(ReadModelDb) private readonly file: ReadModelDb | null = null,
  ) {
    this.business = new ReadModels(initiatives, fund, rules);
    if (this.worker) initiatives.prepareStatusesWith((day) => this.prepareStatuses(day));
  }

  /** Whether the business read models are applied on the projection worker (ADR 0021). */
  get inWorker(): boolean {
    return this.worker !== null;
  }

  /**
   * Catches up with the log from the read models' checkpoints (ADR 0018: only the events after them are read
   * and applied; a read model started anew is rebuilt from the start, with progress in the log), then keeps
   * following it. Stops early (and starts) at an unreadable event.
   */
  async start(): Promise<void> {
    if (this.subscription) return;
    if (this.worker) return this.startWorker(this.worker);
    // The audit read model resumes from its own checkpoint (or rebuilds, when its file is not this log's).
    await this.audit.resume(this.store);
    await this.business.checkAgainst(this.store);
    const head = await this.store.headPosition();
    // Each read model resumes from its own checkpoint: the log is read from the lowest of them.
    const business = Math.min(this.business.position, head);
    this.position = Math.min(business, this.audit.size);
    this.catchUp = { from: this.position, head, logged: this.position };
    if (business < head)
      this.logger.log(business === 0 ? `Read models are built from the log's ${head} events` : `Read models resume at position ${business}; the log's head is ${head}`);
    if (this.position < business) this.logger.log(`The audit read model reads the log from position ${this.position}`);
    if (business < head) this.business.beginCatchUp();
    this.subscription = this.store.subscribeToAll(this.position, (events) => this.apply(events));
    try {
      await this.until(head, null);
      this.catchUp = null;
      this.logger.log(`Read models caught up with ${head} events`);
    } catch (e) {
      if (!(e instanceof ServiceUnavailable && this.stoppedAt)) throw e;
      // The service starts anyway: it answers reads from the state before the event, and readiness names it.
    } finally {
      if (business < head) this.endCatchUp();
    }
  }

  /**
   * Worker mode (ADR 0021): the worker catches up the business read models (its progress in the log) while this
   * thread catches up the audit read model; the start waits for both.
   */
  private async startWorker(options: ProjectionWorkerOptions): Promise<void> {
    if (!this.file || this.file.file === ':memory:') throw new Error('The projection worker needs the read models in a file (DGR_READ_MODEL_FILE)');
    // This thread's writes (the audit read model's) never wait for the worker's write lock: a busy commit is retried later.
    this.file.busyTimeout(0);
    await this.audit.resume(this.store);
    const head = await this.store.headPosition();
    this.auditAt = Math.min(this.audit.size, head);
    this.thread = new ProjectionThread(this.file.file, options, {
      position: (position, dayChanges) => this.workerReached(position, dayChanges),
      stopped: (position, unreadable) => {
        this.workerReached(position, this.dayChanges);
        this.stop(unreadable);
      },
      failed: (message) => this.workerFailed(message),
    });
    this.subscription = this.store.subscribeToAll(this.auditAt, (events) => this.applyAudit(events));
    try {
      this.workerReached(await this.thread.whenStarted(), this.dayChanges);
      await this.until(head, null);
      this.logger.log(`Read models caught up with ${head} events (business read models on the projection worker)`);
    } catch (e) {
      if (!(e instanceof ServiceUnavailable && (this.stoppedAt || this.failed))) throw e;
    }
    if (this.statusDayBeforeStart !== null) void this.prepareStatuses(this.statusDayBeforeStart);
  }

  private workerReached(position: number, dayChanges: number): void {
    if (dayChanges !== this.dayChanges) {
      this.dayChanges = dayChanges;
      this.business.initiatives.forgetPages();
    }
    if (position > this.businessAt) this.businessAt = position;
    this.reached();
  }

  /** The audit read model, fed here in worker mode (its proofs and checkpoints are read on this thread). */
  private applyAudit(events: readonly RecordedEvent[]): void {
    if (this.failed) return;
    for (const event of events) {
      if (event.position <= this.auditAt) continue;
      try {
        if (event.position > this.audit.size) this.audit.apply(event);
      } catch (e) {
        this.workerFailed(`the audit read model refuses the event at position ${event.position}: ${String(e)}`);
        return;
      }
      this.auditAt = event.position;
    }
    this.reached();
  }

  private reached(): void {
    const position = Math.min(this.businessAt, this.auditAt);
    if (position > this.position) this.position = position;
    this.settle();
  }

  private workerFailed(message: string): void {
    if (this.failed) return;
    this.failed = message;
    this.logger.error(`${message}. The read models no longer follow the log: writes answer 503 and readiness fails until the service is restarted.`);
    this.rejectAll();
  }

  /** Why the read models stopped following the log for another reason than an unreadable event (the worker failed), or null. */
  get failure(): string | null {
    return this.failed;
  }

  /**
   * Computes the day's statuses for the status filter: here, or (worker mode) on the worker, which writes the rows;
   * the one entry point for both (InitiativesProjection.prepareStatuses delegates here in worker mode).
   */
  prepareStatuses(day: string): Promise<void> {
    if (!this.worker) return this.business.initiatives.prepareStatuses(day);
    if (!this.thread) {
      this.statusDayBeforeStart = day;
      return Promise.resolve();
    }
    return this.thread.prepareStatuses(day);
  }

  /** Ends the catch-up's bulk writes: the indexes a cold build left out are created (logged: it takes a while at 1M events). */
  private endCatchUp(): void {
    const started = performance.now();
    this.business.endCatchUp();
    const ms = performance.now() - started;
    if (ms >= 1000) this.logger.log(`Read models: indexes and checkpoint written in ${(ms / 1000).toFixed(1)} s`);
  }

  /** The last global position the read models include. */
  get caughtUpTo(): number {
    return this.position;
  }

  /** The event the read models stopped before because this version cannot read it, or null. */
  get unreadable(): UnreadableEvent | null {
    return this.stoppedAt;
  }

  /**
   * Resolves once the read models include `position`. Never waits longer than `deadlineMs`: then, or at once
   * when the read models have stopped before an unreadable event, it rejects with ServiceUnavailable (503).
   */
  waitFor(position: number, deadlineMs: number = WAIT_FOR_DEADLINE_MS): Promise<void> {
    return this.until(position, deadlineMs);
  }

  /** Refuses (ServiceUnavailable) while the read models are stopped before an unreadable event. */
  assertReadable(): void {
    if (this.stoppedAt || this.failed) throw this.unavailable();
  }

  private until(position: number, deadlineMs: number | null): Promise<void> {
    if (position <= this.position) return Promise.resolve();
    if (this.stoppedAt || this.failed) return Promise.reject(this.unavailable());
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { position, resolve, reject, timer: null };
      if (deadlineMs !== null) {
        waiter.timer = setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(
            new ServiceUnavailable(
              `Läsmodellerna har inte nått position ${position} inom ${deadlineMs / 1000} s (de är vid ${this.position}). Ändringen kan vara sparad; läs den igen innan du försöker på nytt.`,
              RETRY_AFTER_SECONDS,
            ),
          );
        }, deadlineMs);
        waiter.timer.unref();
      }
      this.waiters.push(waiter);
    });
  }

  private unavailable(): ServiceUnavailable {
    if (!this.stoppedAt)
      return new ServiceUnavailable(`Läsmodellerna följer inte längre loggen (${this.failed ?? 'okänt fel'}). Ändringen kan vara sparad; tjänsten behöver startas om.`, RETRY_AFTER_SECONDS);
    const e = this.stoppedAt;
    return new ServiceUnavailable(describeUnreadable(e), RETRY_AFTER_SECONDS, e);
  }

  /** The business read models this runner feeds (persistent: ADR 0018). */
  get readModels(): ReadModels {
    return this.business;
  }

  private apply(events: readonly RecordedEvent[]): void {
    if (this.stoppedAt) return;
    const fresh = events.filter((e) => e.position > this.position);
    if (fresh.length === 0) return this.settle();
    // The business read models apply the whole batch in one transaction each (with their checkpoints).
    let applied: number;
    let error: unknown;
    try {
      ({ applied, error } = this.business.applyBatch(fresh));
    } catch (e) {
      applied = 0;
      error = e;
    }
    const reached = error === null ? fresh.length : Math.min(applied + 1, fresh.length);
    for (let i = 0; i < reached; i++) {
      const event = fresh[i]!;
      try {
        // The stored bytes are checked (hash and chain) for every event read, the refused one too.
        if (event.position > this.audit.size) this.audit.apply(event);
      } catch (e) {
        if (error === null || i < applied) [applied, error] = [i, e];
        break;
      }
    }
    if (applied > 0) this.position = fresh[applied - 1]!.position;
    this.logProgress();
    if (error !== null) {
      const event = fresh[applied]!;
      const unreadable =
        error instanceof UnreadableEvent
          ? error
          : new UnreadableEvent(event.position, event.stream, event.type, event.metadata?.schemaVersion, 'malformed', `the read models refuse it: ${String(error)}`);
      this.stop(unreadable);
      return;
    }
    this.settle();
  }

  private logProgress(): void {
    const c = this.catchUp;
    if (!c || this.position - c.logged < PROGRESS_EVERY) return;
    c.logged = this.position;
    this.logger.log(`Read models: ${this.position - c.from} of ${c.head - c.from} events applied (position ${this.position} of ${c.head})`);
  }

  /** Stops before an event this version cannot read: later events are not applied until an upgrade. */
  private stop(e: UnreadableEvent): void {
    this.stoppedAt = e;
    this.logger.error(`${e.message}. The read models stop before it; writes answer 503 until the service is upgraded (docs/operations.md).`);
    this.settle();
    this.rejectAll();
  }

  private rejectAll(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) {
      if (w.timer) clearTimeout(w.timer);
      w.reject(this.unavailable());
    }
  }

  private settle(): void {
    if (this.waiters.length === 0) return;
    const reached = this.waiters.filter((w) => w.position <= this.position);
    this.waiters = this.waiters.filter((w) => w.position > this.position);
    for (const w of reached) {
      if (w.timer) clearTimeout(w.timer);
      w.resolve();
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.thread?.close();
    await this.subscription?.close();
    this.subscription = null;
  }
}
