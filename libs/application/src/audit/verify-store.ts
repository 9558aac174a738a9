import type { KeyObject } from 'node:crypto';
import {
  describeCheckpointProblemInSwedish,
  describeMismatchInSwedish,
  FrontierMerkleLevels,
  LogChecker,
  LogVerifier,
  type Mismatch,
  type Checkpoint,
  type LogVerification,
  type MismatchReason,
} from '@dgr/audit';
import type { EventStore } from '@dgr/event-store';
import type { BlobStore } from '@dgr/blob-store';
import { checkEvidenceFiles, EvidenceReferences, type EvidenceProblem } from './evidence-check';
import { RuleChecker, type RuleViolation } from './rule-check';

export interface VerifyStoreOptions {
  /** A checkpoint the log must extend, and the key its signature must verify with. */
  readonly against?: { readonly checkpoint: Checkpoint; readonly publicKey: KeyObject | string | undefined };
  /** Events read at a time; between pages the event loop runs (other requests are served). */
  readonly pageSize?: number;
  /** The evidence files: each one the log names is re-hashed (docs/evidence.md). Omitted: not checked. */
  readonly blobs?: BlobStore;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * The same checks as `dgr verify`, over any adapter: reads the log through the port (`readAll`) up to the head
 * it sees when it starts, a page at a time, yielding to the event loop between pages so that a long log does
 * not stall the service. An event the store cannot read (its JSON was broken in the file) ends the log there;
 * the page it was in is re-read one event at a time to name its position.
 */
export const verifyStore = async (
  store: EventStore,
  options: VerifyStoreOptions = {},
): Promise<LogVerification & { readonly ruleViolations: RuleViolation[]; readonly evidenceProblems: EvidenceProblem[] }> => {
  const pageSize = options.pageSize ?? 1000;
  const verifier = new LogVerifier();
  // The business rules, over the same events (ADR 0010): reported apart from the hashes.
  const rules = new RuleChecker();
  const evidence = new EvidenceReferences();
  const head = await store.headPosition();
  let after = 0;
  while (after < head) {
    let page;
    try {
      page = await store.readAll(after, Math.min(pageSize, head - after));
    } catch (e) {
      await findUnreadable(store, verifier, after, pageSize, e);
      break;
    }
    if (page.length === 0) break;
    for (const e of page) {
      verifier.add(e);
      rules.add(e);
      evidence.add(e);
    }
    after = page[page.length - 1]!.position;
    await nextTurn();
  }
  const evidenceProblems = options.blobs ? await checkEvidenceFiles(evidence.all(), options.blobs) : [];
  return { ...verifier.result(options.against), ruleViolations: rules.all(), evidenceProblems };
};

/** What `verifyStore` finds, without the Merkle tree it built (a report needs only its root). */
export type StoreVerification = Omit<LogVerification, 'tree'> & { readonly ruleViolations: RuleViolation[] };

/**
 * Runs `verifyStore` over the service's own store, somewhere other than the event loop: the API gives one that
 * opens the store again in a worker thread (apps/api/src/audit/verify-in-worker.ts). Without one, AuditService
 * runs the check in the process, a page at a time.
 */
export type StoreCheck = (options: Pick<VerifyStoreOptions, 'against'>) => Promise<StoreVerification>;

/** The injection token of the StoreCheck (DgrApplicationModule's `storeCheck`). */
export const STORE_CHECK = Symbol('STORE_CHECK');

/** Reads the page after `after` one event at a time, and records the first that cannot be read as unreadable. */
const findUnreadable = async (store: EventStore, verifier: LogVerifier, after: number, pageSize: number, pageError: unknown): Promise<void> => {
  let position = after;
  for (let i = 0; i < pageSize; i += 1) {
    let next;
    try {
      [next] = await store.readAll(position, 1);
    } catch (e) {
      verifier.addUnreadable(position + 1, null, null, messageOf(e));
      return;
    }
    if (!next) break;
    verifier.add(next);
    position = next.position;
  }
  // Every event of the page could be read on its own: the page's read failed for another reason.
  verifier.addUnreadable(position + 1, null, null, messageOf(pageError));
};

/** What the re-check after a resumed start finds (`recheckStore`). */
export interface StoreRecheck {
  /** Events re-read and re-hashed: up to the head when it began, fewer only when an event cannot be read. */
  readonly events: number;
  /** The first event that does not match its hash, chain or place (or cannot be read), or null. */
  readonly firstMismatch: Mismatch | null;
  /** Base64 RFC 6962 root of the events read. */
  readonly root: string;
}

/**
 * The re-check after a start that resumed the audit read model (AuditService.startRecheck): every event of the
 * log re-read and re-hashed, its chain and place checked — what `verifyStore` checks of the hashes — in memory
 * that does not grow with the log: the streams' heads and the last two hashes of each level of the tree, nothing
 * per event (no business-rule scan, no evidence files, no whole tree: the re-check needs only the first
 * mismatch). A page at a time (`pageSize`, 500), yielding between pages.
 */
export const recheckStore = async (store: EventStore, options: { readonly pageSize?: number } = {}): Promise<StoreRecheck> => {
  const pageSize = options.pageSize ?? 500;
  const checker = new LogChecker({ levels: new FrontierMerkleLevels() });
  let unreadable: Mismatch | null = null;
  const head = await store.headPosition();
  let after = 0;
  while (after < head && !unreadable) {
    let page;
    try {
      page = await store.readAll(after, Math.min(pageSize, head - after));
    } catch (pageError) {
      // Which event cannot be read: the page again, one event at a time.
      for (let i = 0; i < pageSize && !unreadable; i += 1) {
        try {
          const [next] = await store.readAll(after, 1);
          if (!next) break;
          checker.add(next);
          after = next.position;
        } catch (e) {
          unreadable = { position: after + 1, stream: null, revision: null, reason: { kind: 'unreadable', detail: messageOf(e) } };
        }
      }
      unreadable ??= { position: after + 1, stream: null, revision: null, reason: { kind: 'unreadable', detail: messageOf(pageError) } };
      break;
    }
    if (page.length === 0) break;
    for (const e of page) checker.add(e);
    after = page[page.length - 1]!.position;
    await nextTurn();
  }
  return { events: checker.size, firstMismatch: checker.firstMismatch ?? unreadable, root: checker.tree.root().toString('base64') };
};

/** Runs `recheckStore` somewhere other than the event loop (the API: a worker thread of low priority). */
export type StoreRecheckRun = () => Promise<StoreRecheck>;

/** The injection token of the StoreRecheckRun (DgrApplicationModule's `storeRecheck`). */
export const STORE_RECHECK = Symbol('STORE_RECHECK');

/** One event that does not match, for the auditors' page: where, a stable code, and what is wrong in Swedish. */
export interface MismatchReport {
  readonly position: number;
  /** Null when the event could not be read at all. */
  readonly stream: string | null;
  readonly revision: number | null;
  readonly kind: MismatchReason['kind'];
  readonly description: string;
}

/** What GET /api/audit/verify answers. */
export interface VerificationReport {
  /** True when every event matches its hash, chain and place, and the log extends the service's current checkpoint. */
  readonly ok: boolean;
  /** When the check ran (ISO instant). */
  readonly checkedAt: string;
  /** Events read: the whole log up to the head when the check began (fewer only when an event cannot be read). */
  readonly events: number;
  readonly streams: number;
  /** Base64 RFC 6962 root of the events read; null when an event could not be read. */
  readonly rootHash: string | null;
  /** When the last event read was recorded; null for an empty log. */
  readonly lastRecordedAt: string | null;
  /** How many events do not match (`mismatches` lists the first 100). */
  readonly mismatchCount: number;
  readonly mismatches: readonly MismatchReport[];
  /** The service's signed checkpoint the log was checked against; null when the service signs none (see checkpointProblem). */
  readonly checkpoint: Checkpoint | null;
  /** Why the log does not extend the checkpoint, or why there is none, in Swedish; null when it does. */
  readonly checkpointProblem: string | null;
  /** The outcome in one Swedish sentence. */
  readonly summary: string;
  /**
   * Evidence files the log names that are missing from the blob store or altered there, by the position of the
   * event naming each (docs/evidence.md); any makes `ok` false. Empty when every file is in place.
   */
  readonly evidenceProblems: readonly EvidenceProblem[];
  /**
   * Business rules the log breaks, by position (ADR 0010), apart from the hashes: `ok` is about the hashes and
   * the checkpoint only (a log written before a rule was enforced by the log may hold a violation that no one
   * tampered with). Empty when the log keeps every rule.
   */
  readonly ruleViolations: ReadonlyArray<{
    readonly position: number;
    readonly stream: string;
    readonly revision: number;
    readonly type: string;
    readonly rule: string;
    readonly initiativeId: string | null;
    readonly description: string;
  }>;
}

const summaryOf = (ok: boolean, result: Omit<LogVerification, 'tree'>, checkpointProblem: string | null, evidenceProblems: number): string => {
  if (ok) return `Loggen är oförändrad: alla ${result.events} händelser stämmer med sina hashar och kedjor, och loggen bygger vidare på den signerade kontrollpunkten.`;
  if (result.mismatchCount > 0)
    return `Loggen stämmer inte: ${result.mismatchCount} händelse(r) stämmer inte med sina hashar, kedjor eller platser; den första är på position ${result.firstMismatch!.position}.`;
  if (result.ok && checkpointProblem === null && evidenceProblems > 0)
    return `Loggen är oförändrad, men ${evidenceProblems} protokollsutdrag som loggen hänvisar till saknas eller har ändrats.`;
  return `Loggen stämmer inte med kontrollpunkten: ${checkpointProblem}`;
};

/**
 * The report of a verification: the mismatches and the checkpoint problem in Swedish. `unsigned` says why the
 * service signed no checkpoint, when it did not (that alone makes the check fail: the log is not shown to
 * extend anything).
 */
export const verificationReport = (
  result: Omit<LogVerification, 'tree'> & { readonly ruleViolations?: readonly RuleViolation[]; readonly evidenceProblems?: readonly EvidenceProblem[] },
  context: { readonly checkedAt: string; readonly checkpoint: Checkpoint | null; readonly unsigned: string | null },
): VerificationReport => {
  const checkpointProblem = result.checkpointProblem ? describeCheckpointProblemInSwedish(result.checkpointProblem) : context.unsigned;
  const evidenceProblems = result.evidenceProblems ?? [];
  const ok = result.ok && checkpointProblem === null && evidenceProblems.length === 0;
  return {
    ok,
    checkedAt: context.checkedAt,
    events: result.events,
    streams: result.streams,
    rootHash: result.root,
    lastRecordedAt: result.lastRecordedAt,
    mismatchCount: result.mismatchCount,
    mismatches: result.mismatches.map((m) => ({
      position: m.position,
      stream: m.stream,
      revision: m.revision,
      kind: m.reason.kind,
      description: describeMismatchInSwedish(m),
    })),
    checkpoint: context.checkpoint,
    checkpointProblem,
    summary: summaryOf(ok, result, checkpointProblem, evidenceProblems.length),
    evidenceProblems,
    ruleViolations: (result.ruleViolations ?? []).map(({ position, stream, revision, type, rule, initiativeId, description }) => ({
      position,
      stream,
      revision,
      type,
      rule,
      initiativeId,
      description,
    })),
  };
};
