import type { KeyObject } from 'node:crypto';
import { verifyCheckpointSignature, type Checkpoint } from './checkpoint';
import type { LeafEvent } from './leaf';
import { LogChecker, type Mismatch } from './log-checker';
import { EMPTY_ROOT, verifyConsistency, type MerkleLog } from './merkle';

/** Why a log does not extend a checkpoint, as data: `describeCheckpointProblem` in English, `…InSwedish` in Swedish. */
export type CheckpointProblem =
  | { readonly kind: 'no-public-key' }
  | { readonly kind: 'signature' }
  /** The log is shorter than the checkpoint: events were removed from its end. */
  | { readonly kind: 'log-shorter'; readonly size: number; readonly checkpointSize: number }
  /** An event could not be read, so there is no tree to compare. */
  | { readonly kind: 'no-tree' }
  | { readonly kind: 'empty-root' }
  /** The log's first `checkpointSize` events have another root than the checkpoint's. */
  | { readonly kind: 'root-differs'; readonly checkpointSize: number; readonly checkpointRoot: string; readonly root: string };

export const describeCheckpointProblem = (p: CheckpointProblem): string => {
  switch (p.kind) {
    case 'no-public-key':
      return 'no public key to check the checkpoint with';
    case 'signature':
      return "the checkpoint's signature does not verify with the key: it was not signed by this service, or was changed";
    case 'log-shorter':
      return `the log has ${p.size} events, fewer than the checkpoint's ${p.checkpointSize}: events from position ${p.size + 1} were removed`;
    case 'no-tree':
      return 'the tree could not be computed';
    case 'empty-root':
      return 'a checkpoint of size 0 must have the empty root';
    case 'root-differs':
      return (
        `the first ${p.checkpointSize} events do not have the checkpoint's root (${p.checkpointRoot}, here ${p.root}): ` +
        `an event up to position ${p.checkpointSize} was changed, removed, inserted or reordered since the checkpoint was signed`
      );
  }
};

export const describeCheckpointProblemInSwedish = (p: CheckpointProblem): string => {
  switch (p.kind) {
    case 'no-public-key':
      return 'Det finns ingen publik nyckel att kontrollera kontrollpunkten med.';
    case 'signature':
      return 'Kontrollpunktens signatur stämmer inte med nyckeln: den är inte signerad av tjänsten, eller har ändrats.';
    case 'log-shorter':
      return `Loggen har ${p.size} händelser, färre än kontrollpunktens ${p.checkpointSize}: händelserna från position ${p.size + 1} har tagits bort.`;
    case 'no-tree':
      return 'Merkleträdet kunde inte beräknas, eftersom en händelse inte kan läsas.';
    case 'empty-root':
      return 'En kontrollpunkt med storleken 0 måste ha den tomma loggens rot.';
    case 'root-differs':
      return (
        `Loggens första ${p.checkpointSize} händelser har inte kontrollpunktens rot (${p.checkpointRoot}, här ${p.root}): ` +
        `en händelse till och med position ${p.checkpointSize} har ändrats, tagits bort, lagts till eller flyttats sedan kontrollpunkten signerades.`
      );
  }
};

/**
 * The first problem of a log of `size` events (its tree: `tree`, null when it could not be computed) as against
 * the checkpoint: its signature with `publicKey`, then that the log extends it (a consistency proof from the
 * checkpoint's size to `size`, checked against both roots). Null when the log extends the checkpoint.
 */
export const checkpointProblemOf = (
  cp: Checkpoint,
  publicKey: KeyObject | string | undefined,
  tree: MerkleLog | null,
  size: number,
): CheckpointProblem | null => {
  if (!publicKey) return { kind: 'no-public-key' };
  if (!verifyCheckpointSignature(cp, publicKey)) return { kind: 'signature' };
  // Without a tree (an event could not be read) the log's size says nothing about removed events.
  if (!tree) return { kind: 'no-tree' };
  if (cp.size > size) return { kind: 'log-shorter', size, checkpointSize: cp.size };
  const now = tree.root(size);
  if (cp.size === 0) return cp.root === EMPTY_ROOT.toString('base64') ? null : { kind: 'empty-root' };
  const atSize = tree.root(cp.size).toString('base64');
  const proof = tree.consistencyProof(cp.size, size);
  if (atSize !== cp.root || !verifyConsistency(cp.size, size, proof, Buffer.from(cp.root, 'base64'), now))
    return { kind: 'root-differs', checkpointSize: cp.size, checkpointRoot: cp.root, root: atSize };
  return null;
};

/** What verifying a whole log found (LogVerifier.result). */
export interface LogVerification {
  /** No event mismatches and, when a checkpoint was given, the log extends it. */
  readonly ok: boolean;
  /** Events read (all of them, unless one could not be read at all). */
  readonly events: number;
  readonly streams: number;
  /** Base64 RFC 6962 root of the events read; null when an event could not be read. */
  readonly root: string | null;
  /** The recordedAt of the last event read, null for an empty log. */
  readonly lastRecordedAt: string | null;
  /** The first event that does not match its hash, its chain or its place, if any. */
  readonly firstMismatch: Mismatch | null;
  /** Every mismatch in log order, the first `maxMismatches` of them. */
  readonly mismatches: readonly Mismatch[];
  /** How many mismatches there are in all (more than `mismatches` holds when it was cut). */
  readonly mismatchCount: number;
  /** What is wrong with the log as against the checkpoint, if one was given. */
  readonly checkpointProblem: CheckpointProblem | null;
  /** The tree of the events read (for signing a checkpoint of them); null when an event could not be read. */
  readonly tree: MerkleLog | null;
}

/**
 * Verifies a log fed to it in global order, however it is read (`dgr verify` reads the SQLite file's rows,
 * the API reads the store's port page by page): each event through the LogChecker, the streams, the last
 * recordedAt, every mismatch, an event that cannot be read at all (it ends the log: nothing after it is
 * read), and at the end the checkpoint, if one is given.
 */
export class LogVerifier {
  private readonly checker = new LogChecker();
  private readonly streams = new Set<string>();
  private readonly found: Mismatch[] = [];
  private mismatchCount = 0;
  private unreadable: Mismatch | null = null;
  private lastRecordedAt: string | null = null;

  constructor(private readonly maxMismatches = 100) {}

  /** Events read so far. */
  get events(): number {
    return this.checker.size;
  }

  add(e: LeafEvent): void {
    if (this.unreadable) throw new Error('LogVerifier: no event can follow one that could not be read');
    const mismatch = this.checker.add(e);
    if (mismatch) this.note(mismatch);
    this.streams.add(e.stream);
    const recordedAt = (e.metadata as { recordedAt?: unknown } | null)?.recordedAt;
    this.lastRecordedAt = typeof recordedAt === 'string' ? recordedAt : null;
  }

  /** An event that cannot be read at all; the log is not read beyond it. */
  addUnreadable(position: number, stream: string | null, revision: number | null, detail: string): void {
    this.unreadable = { position, stream, revision, reason: { kind: 'unreadable', detail } };
    this.note(this.unreadable);
  }

  result(against?: { readonly checkpoint: Checkpoint; readonly publicKey: KeyObject | string | undefined }): LogVerification {
    // An unreadable event comes after every event the checker has seen, so the checker's mismatch is earlier.
    const firstMismatch = this.checker.firstMismatch ?? this.unreadable;
    const tree = this.unreadable ? null : this.checker.tree;
    const checkpointProblem = against ? checkpointProblemOf(against.checkpoint, against.publicKey, tree, this.events) : null;
    return {
      ok: firstMismatch === null && checkpointProblem === null,
      events: this.events,
      streams: this.streams.size,
      root: tree ? tree.root().toString('base64') : null,
      lastRecordedAt: this.lastRecordedAt,
      firstMismatch,
      mismatches: [...this.found],
      mismatchCount: this.mismatchCount,
      checkpointProblem,
      tree,
    };
  }

  private note(m: Mismatch): void {
    this.mismatchCount += 1;
    if (this.found.length < this.maxMismatches) this.found.push(m);
  }
}
