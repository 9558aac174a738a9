import { Injectable } from '@nestjs/common';
import type { RecordedEvent } from '@dgr/event-store';
import { RuleChecker, type RuleViolation } from '../audit/rule-check';

/**
 * The business rules the log breaks, if any (ADR 0010): the same scan as `dgr verify`, fed in log order with
 * the other read models, so that the initiative's API and page and the annual report show a violation that
 * an older log holds (a grant on a cancelled initiative…) without scanning the log per request.
 */
@Injectable()
export class RuleViolationsProjection {
  private readonly checker = new RuleChecker();

  apply(event: RecordedEvent): void {
    this.checker.add(event);
  }

  /** Every violation so far, in log order. */
  all(): RuleViolation[] {
    return this.checker.all();
  }

  forInitiative(initiativeId: string): RuleViolation[] {
    return this.checker.forInitiative(initiativeId);
  }
}
