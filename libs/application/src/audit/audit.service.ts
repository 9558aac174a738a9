import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Checkpoint, CheckpointSigner } from '@dgr/audit';
import { describeMismatchInSwedish } from '@dgr/audit';
import { DomainError, InvalidInput } from '@dgr/domain';
import type { EventStore } from '@dgr/event-store';
import { AuditLogProjection } from '../projections/audit-log.projection';
import { ServiceUnavailable } from '../service-unavailable';
import { BLOB_STORE, CLOCK, EVENT_STORE, type Clock } from '../tokens';
import type { BlobStore } from '@dgr/blob-store';
import { recheckStore, STORE_CHECK, STORE_RECHECK, verificationReport, verifyStore, type StoreCheck, type StoreRecheckRun, type VerificationReport } from './verify-store';

/** The checkpoint signer (libs/audit's CheckpointSigner), provided by the shell that holds the key. */
export const AUDIT_SIGNER = Symbol('AUDIT_SIGNER');

export interface InclusionProof {
  readonly leafIdx: number;
  readonly treeSize: number;
  readonly leafHash: string;
  readonly root: string;
  readonly proof: string[];
}

export interface ConsistencyProof {
  readonly size1: number;
  readonly size2: number;
  readonly root1: string;
  readonly root2: string;
  readonly proof: string[];
}

/** The stored log does not match its own hashes: no checkpoint over it is signed. */
export class AuditLogBroken extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'audit-log-broken';
  readonly title = 'Loggen stämmer inte med sina hashar';
}

export class NoCheckpointKey extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'no-checkpoint-key';
  readonly title = 'Ingen nyckel för kontrollpunkter';
}

const b64 = (h: Buffer): string => h.toString('base64');

/**
 * Checkpoints and proofs of the log (docs/audit.md), over the audit read model. Sizes are counts of events
 * from the start of the log; the event at global position p is leaf p − 1.
 */
/** How long a checkpoint request waits for the re-check after a resumed start before it answers 503. */
export const RECHECK_WAIT_MS = 10_000;
const RECHECK_RETRY_AFTER_SECONDS = 30;

@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');
  /** The whole-log re-check after a resumed start (startRecheck); settled once it has run or failed. */
  private recheck: { done: boolean; readonly settled: Promise<void> } = { done: true, settled: Promise.resolve() };

  constructor(
    private readonly log: AuditLogProjection,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(AUDIT_SIGNER) private readonly signer: CheckpointSigner | null,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(BLOB_STORE) private readonly blobs: BlobStore | null = null,
    @Optional() @Inject(STORE_CHECK) private readonly storeCheck: StoreCheck | null = null,
    @Optional() @Inject(STORE_RECHECK) private readonly storeRecheck: StoreRecheckRun | null = null,
  ) {}

  /**
   * After a start that resumed the audit read model (its events up to the checkpoint were hash-checked by an
   * earlier start, not re-read by this one), re-reads and re-hashes the whole log (`recheckStore`: each event's
   * hash, chain and place, as `dgr verify` checks them, in memory that does not grow with the log) — in a worker
   * thread of low priority when the API has one (STORE_RECHECK), otherwise a page at a time — without holding up
   * the start or taking the CPU from requests. A row changed
   * in the file while the service was stopped is so found, and no checkpoint is signed over it. Until the
   * re-check has run, a checkpoint waits for it (RECHECK_WAIT_MS, then 503 with Retry-After). A re-check that
   * cannot run is logged, and signing goes on as the running check allows (`dgr verify` remains the proof).
   */
  startRecheck(): void {
    const upTo = this.log.resumedAt;
    if (upTo === 0 || !this.recheck.done) return;
    const recheck = this.storeRecheck ?? (() => recheckStore(this.store));
    const state = { done: false, settled: Promise.resolve() };
    const began = performance.now();
    state.settled = recheck().then(
      (result) => {
        if (result.firstMismatch) this.log.noteMismatchFoundByRecheck(result.firstMismatch);
        else
          this.logger.log(
            `Re-checked the whole log after the start (${result.events} events, ${((performance.now() - began) / 1000).toFixed(1)} s): it matches its hashes`,
          );
      },
      (e: unknown) => this.logger.error(`Could not re-check the log after the start: ${e instanceof Error ? e.message : String(e)}. Run \`npx dgr verify\`.`),
    ).finally(() => {
      state.done = true;
    });
    this.recheck = state;
  }

  /** Resolves once the re-check after a resumed start has run; refuses (503) after RECHECK_WAIT_MS. */
  private async rechecked(): Promise<void> {
    if (this.recheck.done) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), RECHECK_WAIT_MS);
      timer.unref();
    });
    const outcome = await Promise.race([this.recheck.settled.then(() => 'done' as const), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout')
      throw new ServiceUnavailable(
        'Tjänsten kontrollerar hela loggen efter omstarten; ingen kontrollpunkt signeras förrän kontrollen är klar. Försök igen om en stund.',
        RECHECK_RETRY_AFTER_SECONDS,
        null,
        'audit-recheck-running',
      );
  }

  /** Whether a checkpoint signing key is loaded. */
  get canSign(): boolean {
    return this.signer !== null && this.signer !== undefined;
  }

  /** How many events the tree holds now (the read models' position). */
  get size(): number {
    return this.log.size;
  }

  get origin(): string {
    return this.requireSigner().origin;
  }

  publicKeyPem(): string {
    return this.requireSigner().publicKeyPem;
  }

  /** The signed checkpoint of the whole log as the read models hold it now. */
  checkpoint(): Promise<Checkpoint> {
    return this.checkpointAt(this.size);
  }

  /**
   * The signed checkpoint of the log's first `size` events (0 ≤ size ≤ this.size): e.g. the annual report's
   * checkpoint at the global position of the year's last event. `at` is that event's recordedAt (null for 0).
   * Throws InvalidInput('size') beyond the log, AuditLogBroken when an event up to `size` does not match its hash.
   */
  async checkpointAt(size: number): Promise<Checkpoint> {
    this.checkSize('size', size, 0);
    const signer = this.requireSigner();
    await this.rechecked();
    const broken = this.log.firstMismatch;
    if (broken && broken.position <= size)
      throw new AuditLogBroken(`Loggen stämmer inte: ${describeMismatchInSwedish(broken)}. Ingen kontrollpunkt signeras. Kör npx dgr verify.`);
    const root = b64(this.log.tree.root(size));
    const at = size === 0 ? null : ((await this.store.readAll(size - 1, 1))[0]?.metadata.recordedAt ?? null);
    return signer.sign(size, root, at);
  }

  /**
   * `dgr verify` over the store the service runs on (GET /api/audit/verify): re-reads the whole log through the
   * port, recomputes every hash, chain link and the tree, and checks the log against the checkpoint the service
   * signs now (the tree it built as the events arrived). Events appended meanwhile are read too and extend it.
   */
  async verify(): Promise<VerificationReport> {
    const checkedAt = this.clock.now();
    let checkpoint: Checkpoint | null = null;
    let unsigned: string | null = null;
    try {
      checkpoint = await this.checkpoint();
    } catch (e) {
      if (!(e instanceof AuditLogBroken || e instanceof NoCheckpointKey || e instanceof ServiceUnavailable)) throw e;
      unsigned = e.message;
    }
    const against = checkpoint ? { checkpoint, publicKey: this.signer?.publicKey } : undefined;
    // The API runs the whole-log check in a worker thread (STORE_CHECK), so that no request waits for it.
    const result = this.storeCheck ? await this.storeCheck({ against }) : await verifyStore(this.store, { against, blobs: this.blobs ?? undefined });
    return verificationReport(result, { checkedAt, checkpoint, unsigned });
  }

  /** The inclusion proof of leaf `leafIdx` in the tree of `treeSize` events (default: now). */
  inclusionProof(leafIdx: number, treeSize: number = this.size): InclusionProof {
    this.checkSize('treeSize', treeSize, 1);
    if (!Number.isSafeInteger(leafIdx) || leafIdx < 0 || leafIdx >= treeSize)
      throw new InvalidInput('leafIdx', `leafIdx måste vara ett heltal från 0 till ${treeSize - 1} (mindre än treeSize)`);
    const tree = this.log.tree;
    return {
      leafIdx,
      treeSize,
      leafHash: b64(tree.leafHash(leafIdx)),
      root: b64(tree.root(treeSize)),
      proof: tree.inclusionProof(leafIdx, treeSize).map(b64),
    };
  }

  /** The proof that the tree of `size2` events (default: now) extends the tree of `size1` events. */
  consistencyProof(size1: number, size2: number = this.size): ConsistencyProof {
    this.checkSize('size2', size2, 1);
    if (!Number.isSafeInteger(size1) || size1 < 1 || size1 > size2)
      throw new InvalidInput('size1', `size1 måste vara ett heltal från 1 till size2 (${size2})`);
    const tree = this.log.tree;
    return {
      size1,
      size2,
      root1: b64(tree.root(size1)),
      root2: b64(tree.root(size2)),
      proof: tree.consistencyProof(size1, size2).map(b64),
    };
  }

  private checkSize(field: string, size: number, min: number): void {
    if (!Number.isSafeInteger(size) || size < min || size > this.size)
      throw new InvalidInput(
        field,
        this.size < min
          ? `${field}: loggen har ${this.size} händelser, så det finns inget träd att visa`
          : `${field} måste vara ett heltal från ${min} till loggens storlek (${this.size})`,
      );
  }

  private requireSigner(): CheckpointSigner {
    if (!this.signer) throw new NoCheckpointKey('Tjänsten har ingen nyckel för att signera kontrollpunkter (DGR_AUDIT_SIGNING_KEY).');
    return this.signer;
  }
}
