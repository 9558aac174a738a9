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

  /** Catches up with the whole log, then keeps following it. Stops early (and starts) at an unreadable event. */
  async start(): Promise<void> {
    if (this.subscription) return;
    // The audit read model resumes from its own checkpoint (or rebuilds, when its file is not this log's).
    await this.audit.resume(this.store);
    const head = await this.store.headPosition();
    this.subscription = this.store.subscribeToAll(this.position, (events) => this.apply(events));
    try {
      await this.until(head, null);
      this.logger.log(`Read models caught up with ${head} events`);
    } catch (e) {
      if (!(e instanceof ServiceUnavailable && this.stoppedAt)) throw e;
      // The service starts anyway: it answers reads from the state before the event, and readiness names it.
    }
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

  private apply(events: readonly RecordedEvent[]): void {
    if (this.stoppedAt) return;
    for (const event of events) {
      if (event.position <= this.position) continue;
      try {
        // The stored bytes are checked first (hash and chain), then the event is read and upcast.
        this.audit.apply(event);
        this.business.apply(event);
      } catch (e) {
        const unreadable =
          e instanceof UnreadableEvent
            ? e
            : new UnreadableEvent(event.position, event.stream, event.type, event.metadata?.schemaVersion, 'malformed', `the read models refuse it: ${String(e)}`);
        this.stop(unreadable);
        return;
      }
      this.position = event.position;
    }
    this.settle();
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
