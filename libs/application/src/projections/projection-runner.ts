import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { EventStore, RecordedEvent, Subscription } from '@dgr/event-store';
import { EVENT_STORE } from '../tokens';
import { AuditLogProjection } from './audit-log.projection';
import { ReadModels } from './read-models';
import { FundProjection } from './fund.projection';
import { InitiativesProjection } from './initiatives.projection';
import { RuleViolationsProjection } from './rule-violations.projection';

/**
 * Feeds the read models from the store's global log, in order: from the start when the service
 * boots, then live. Read models are never rebuilt per request. `waitFor` lets a command's answer
 * wait until the read models include its own events.
 */
@Injectable()
export class ProjectionRunner implements OnModuleDestroy {
  private readonly logger = new Logger(ProjectionRunner.name);
  private position = 0;
  private subscription: Subscription | null = null;
  private waiters: Array<{ position: number; resolve: () => void }> = [];
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

  /** Catches up with the whole log, then keeps following it. */
  async start(): Promise<void> {
    if (this.subscription) return;
    const head = await this.store.headPosition();
    this.subscription = this.store.subscribeToAll(this.position, (events) => this.apply(events));
    await this.waitFor(head);
    this.logger.log(`Read models caught up with ${head} events`);
  }

  /** The last global position the read models include. */
  get caughtUpTo(): number {
    return this.position;
  }

  waitFor(position: number): Promise<void> {
    if (position <= this.position) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ position, resolve }));
  }

  private apply(events: readonly RecordedEvent[]): void {
    for (const event of events) {
      if (event.position <= this.position) continue;
      try {
        this.business.apply(event);
        this.audit.apply(event);
      } catch (e) {
        this.logger.error(`Event at position ${event.position} (${event.type}) could not be applied: ${String(e)}`);
        throw e;
      }
      this.position = event.position;
    }
    if (this.waiters.length === 0) return;
    const reached = this.waiters.filter((w) => w.position <= this.position);
    this.waiters = this.waiters.filter((w) => w.position > this.position);
    for (const w of reached) w.resolve();
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.close();
    this.subscription = null;
  }
}
