import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { UnreadableEvent, type EventStore, type RecordedEvent, type Subscription } from '@dgr/event-store';
import { describeUnreadable, ServiceUnavailable } from '../service-unavailable';
import { EVENT_STORE } from '../tokens';
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

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    initiatives: InitiativesProjection,
    fund: FundProjection,
    private readonly audit: AuditLogProjection,
    rules: RuleViolationsProjection,
  ) {
    this.business = new ReadModels(initiatives, fund, rules);
  }

  /**
   * Catches up with the log from the read models' checkpoints (ADR 0018: only the events after them are read
   * and applied; a read model started anew is rebuilt from the start, with progress in the log), then keeps
   * following it. Stops early (and starts) at an unreadable event.
   */
  async start(): Promise<void> {
    if (this.subscription) return;
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
    if (this.stoppedAt) throw this.unavailable();
  }

  private until(position: number, deadlineMs: number | null): Promise<void> {
    if (position <= this.position) return Promise.resolve();
    if (this.stoppedAt) return Promise.reject(this.unavailable());
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
    const e = this.stoppedAt!;
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
    await this.subscription?.close();
    this.subscription = null;
  }
}
