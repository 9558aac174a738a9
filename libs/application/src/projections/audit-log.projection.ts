import { Injectable, Logger } from '@nestjs/common';
import { describeMismatch, LogChecker, type Mismatch, type MerkleLog } from '@dgr/audit';
import type { RecordedEvent } from '@dgr/event-store';

/**
 * The audit read model: the Merkle tree over the whole log (leaf i is the event at position i + 1), fed in
 * order with the other read models. Each event's own hash and its link to its stream predecessor are
 * recomputed as it arrives; the first event that does not match is kept (and logged), and no checkpoint
 * covering it is signed.
 */
@Injectable()
export class AuditLogProjection {
  private readonly logger = new Logger('Audit');
  private readonly checker = new LogChecker();

  apply(event: RecordedEvent): void {
    const mismatch = this.checker.add(event);
    if (mismatch && mismatch === this.checker.firstMismatch)
      this.logger.error(`The log does not match its hashes: ${describeMismatch(mismatch)}. Run \`npx dgr verify\`.`);
  }

  /** How many events the tree holds. */
  get size(): number {
    return this.checker.size;
  }

  get tree(): MerkleLog {
    return this.checker.tree;
  }

  /** The first event found not to match its hash or chain, or null. */
  get firstMismatch(): Mismatch | null {
    return this.checker.firstMismatch;
  }
}
