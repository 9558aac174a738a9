import { progressBar } from './progress';
import Database from 'better-sqlite3';
import type { KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import {
  LogVerifier,
  describeCheckpointProblem,
  describeMismatch,
  parseCheckpoint,
  type Checkpoint,
  type LogVerification,
  type MerkleLog,
} from '@dgr/audit';
import { checkpointPublicKey, ConfigError, resolveAuditSigner, type Config } from '@dgr/config';
import {
  checkEvidenceFilesSync,
  describeRuleViolation,
  EvidenceReferences,
  readStoredEvent,
  RuleChecker,
  type EvidenceProblem,
  type RuleViolation,
} from '@dgr/application';
import { FileBlobStore } from '@dgr/blob-store';
import { UnreadableEvent, type EventMetadata, type RecordedEvent } from '@dgr/event-store';

/** A file that cannot be verified, or a mistake in how `dgr verify` was called (printed as one line, exit code 1). */
export class VerifyUsageError extends Error {}

/** One row of the events table, as stored. */
interface Row {
  position: unknown;
  id: unknown;
  stream: unknown;
  revision: unknown;
  type: unknown;
  data: unknown;
  metadata: unknown;
  hash: unknown;
  previous_hash: unknown;
}

export interface VerifyOptions {
  /** The SQLite file of the store; opened read-only, never changed. */
  readonly file: string;
  /** A checkpoint the current log must extend (as GET /api/audit/checkpoint answers it). */
  readonly checkpoint?: Checkpoint;
  /** The key the checkpoint's signature must verify with (needed with `checkpoint`). */
  readonly publicKey?: KeyObject;
  /** Called every few thousand events with (events read, events in the file). */
  readonly onProgress?: (done: number, total: number) => void;
  /** The evidence files' folder (DGR_BLOB_DIR): every file the log names is re-hashed there. Omitted: not checked. */
  readonly blobDir?: string;
}

/** What `dgr verify` found: the verifier's counts and root, and the checkpoint's and the first problem as lines. */
export interface VerifyResult extends Pick<LogVerification, 'events' | 'streams' | 'root' | 'lastRecordedAt' | 'firstMismatch'> {
  /**
   * True when every event matches its hash and chain and the log extends the checkpoint (if one was given).
   * An unreadable event (below) does not change it: its bytes can be verified; `dgr verify` still exits 1.
   */
  readonly ok: boolean;
  /** What is wrong with the log as against the checkpoint (signature, size, root), if anything. */
  readonly checkpointProblem: string | null;
  /** The first problem, as one line (null when ok). */
  readonly problem: string | null;
  /** The tree of the events read, for signing a checkpoint of them. */
  readonly tree: MerkleLog | null;
  /** The first event this version cannot read (ADR 0011): its hash may match, but its meaning is unknown here. */
  readonly unreadable: UnreadableEvent | null;
  /** Business rules the log breaks, by position (ADR 0011), apart from the hashes: they do not make `ok` false. */
  readonly ruleViolations: readonly RuleViolation[];
  /** Evidence files the log names that are missing from the blob folder or altered there (docs/evidence.md); they make `dgr verify` exit 1. */
  readonly evidenceProblems: readonly EvidenceProblem[];
}

const PROGRESS_EVERY = 5000;

/**
 * The store writes `JSON.stringify(value)`; reading a column back must give a value that serialises to exactly
 * the same text, so that a changed byte is found even where it would not change the parsed value.
 */
const parseColumn = (row: Row, column: 'data' | 'metadata'): { value: unknown } | { problem: string } => {
  const text = row[column];
  if (typeof text !== 'string') return { problem: `${column} is not text` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { problem: `${column} is not JSON (${(e as Error).message})` };
  }
  if (JSON.stringify(value) !== text) return { problem: `${column} is not stored as the store writes it: its bytes were changed` };
  return { value };
};

const columnsProblem = (row: Row): string | null => {
  if (!Number.isSafeInteger(row.position)) return 'position is not a whole number';
  if (!Number.isSafeInteger(row.revision) || (row.revision as number) < 0) return 'revision is not a whole number ≥ 0';
  for (const column of ['id', 'stream', 'type', 'hash'] as const) if (typeof row[column] !== 'string') return `${column} is not text`;
  if (row.previous_hash !== null && typeof row.previous_hash !== 'string') return 'previous_hash is neither text nor null';
  return null;
};

/**
 * `dgr verify`: re-reads every event in order straight from the SQLite file (read-only), recomputes every event
 * hash and chain link and the Merkle tree, and, given a checkpoint, checks its signature and that the log
 * extends it (a consistency proof from the checkpoint's size to the current size against both roots).
 */
export const verifyLog = (options: VerifyOptions): VerifyResult => {
  if (!existsSync(options.file)) throw new VerifyUsageError(`no store at ${options.file}`);
  let db: Database.Database;
  let columns: string[];
  try {
    db = new Database(options.file, { readonly: true, fileMustExist: true });
    columns = db.prepare<[], { name: string }>('PRAGMA table_info(events)').all().map((c) => c.name);
  } catch (e) {
    throw new VerifyUsageError(`cannot read ${options.file} as an SQLite store: ${(e as Error).message}`);
  }
  try {
    if (columns.length === 0) throw new VerifyUsageError(`${options.file} has no events table: it is not a DGR store`);
    if (!columns.includes('hash') || !columns.includes('previous_hash'))
      throw new VerifyUsageError(`${options.file} predates event hashes: open it once with the service (npm start), which adds them`);
    const total = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM events').get()?.n ?? 0;
    const verifier = new LogVerifier();
    let unreadable: UnreadableEvent | null = null;
    const rules = new RuleChecker();
    const evidence = new EvidenceReferences();
    const rows = db.prepare<[], Row>('SELECT position, id, stream, revision, type, data, metadata, hash, previous_hash FROM events ORDER BY position').iterate();
    for (const row of rows) {
      const bad = columnsProblem(row);
      const data = bad ? null : parseColumn(row, 'data');
      const metadata = bad ? null : parseColumn(row, 'metadata');
      const problem = bad ?? (data && 'problem' in data ? data.problem : null) ?? (metadata && 'problem' in metadata ? metadata.problem : null);
      if (problem) {
        verifier.addUnreadable(Number(row.position), String(row.stream), Number(row.revision), problem);
        break;
      }
      const event = {
        id: row.id as string,
        position: row.position as number,
        stream: row.stream as string,
        revision: row.revision as number,
        type: row.type as string,
        data: (data as { value: unknown }).value,
        metadata: (metadata as { value: unknown }).value as EventMetadata,
        previousHash: row.previous_hash as string | null,
        hash: row.hash as string,
      };
      // The stored bytes first (hash and chain), then whether this version can read the event at all.
      verifier.add(event);
      if (!unreadable) unreadable = unreadableIn(event);
      rules.add(event);
      evidence.add(event);
      if (verifier.events % PROGRESS_EVERY === 0) options.onProgress?.(verifier.events, total);
    }
    options.onProgress?.(verifier.events, total);
    const result = verifier.result(options.checkpoint ? { checkpoint: options.checkpoint, publicKey: options.publicKey } : undefined);
    const checkpointProblem = result.checkpointProblem ? describeCheckpointProblem(result.checkpointProblem) : null;
    const blobs = options.blobDir === undefined ? null : new FileBlobStore(options.blobDir);
    const evidenceProblems = blobs ? checkEvidenceFilesSync(evidence.all(), (sha256) => blobs.getSync(sha256), blobs.location) : [];
    return {
      ok: result.ok,
      unreadable,
      events: result.events,
      streams: result.streams,
      root: result.root,
      lastRecordedAt: result.lastRecordedAt,
      firstMismatch: result.firstMismatch,
      checkpointProblem,
      problem: result.firstMismatch ? describeMismatch(result.firstMismatch) : checkpointProblem,
      tree: result.tree,
      ruleViolations: rules.all(),
      evidenceProblems,
    };
  } finally {
    db.close();
  }
};

/** The event as this version reads it: null when it can, else why not. */
const unreadableIn = (event: RecordedEvent): UnreadableEvent | null => {
  try {
    readStoredEvent(event);
    return null;
  } catch (e) {
    if (e instanceof UnreadableEvent) return e;
    throw e;
  }
};

/** The summary `dgr verify` prints. */
export const summaryOf = (result: VerifyResult, checkpoint: Checkpoint | undefined): string => {
  const lines = [`Events: ${result.events} in ${result.streams} streams`, `Root:   ${result.root ?? '–'}`];
  if (checkpoint) lines.push(`Checkpoint: size ${checkpoint.size}, root ${checkpoint.root}, origin ${checkpoint.origin}`);
  if (result.ok)
    lines.push(
      checkpoint
        ? `OK: every event matches its hash and chain, and the log extends the checkpoint (signature valid, ${result.events - checkpoint.size} events appended since).`
        : 'OK: every event matches its hash and chain.',
    );
  else lines.push(`FAILED: ${result.problem}`);
  if (result.unreadable)
    lines.push(`FAILED: ${result.unreadable.message} (this version of dgr cannot read it: upgrade, or see docs/operations.md)`);
  if (result.evidenceProblems.length > 0) {
    lines.push(`FAILED: ${result.evidenceProblems.length} evidence file(s) named by the log are missing or altered:`);
    for (const p of result.evidenceProblems) lines.push(`  position ${p.position} (${p.stream}, revision ${p.revision}): ${p.problem}: ${p.description}`);
  }
  if (result.ruleViolations.length === 0) lines.push('Rules: the log keeps every business rule.');
  else {
    lines.push(`RULE VIOLATIONS: ${result.ruleViolations.length} (the hashes say nothing was changed; the log was written breaking these rules):`);
    for (const v of result.ruleViolations) lines.push(`  ${describeRuleViolation(v)}`);
  }
  return lines.join('\n') + '\n';
};

const LONG_LOG = 10_000;

/**
 * The `dgr verify` command: checks the store's file (and a checkpoint with `--checkpoint FILE`), prints a summary,
 * and with `--print-checkpoint` prints a signed checkpoint of the verified log as JSON on stdout (the summary
 * then goes to stderr). Returns the exit code: 0 when everything matches, 1 otherwise.
 */
export const runVerify = (
  config: Config,
  values: { checkpoint?: string; 'print-checkpoint'?: boolean; 'public-key'?: string; 'fail-on-rules'?: boolean },
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WriteStream } = { stdout: process.stdout, stderr: process.stderr },
): number => {
  let checkpoint: Checkpoint | undefined;
  if (values.checkpoint !== undefined) {
    let text: string;
    try {
      text = readFileSync(values.checkpoint, 'utf8');
    } catch (e) {
      throw new VerifyUsageError(`cannot read the checkpoint ${values.checkpoint}: ${(e as Error).message}`);
    }
    try {
      checkpoint = parseCheckpoint(JSON.parse(text));
    } catch (e) {
      throw new VerifyUsageError(`${values.checkpoint} is not a checkpoint as GET /api/audit/checkpoint gives it: ${(e as Error).message}`);
    }
  } else if (values['public-key'] !== undefined) throw new VerifyUsageError('--public-key checks a checkpoint: give --checkpoint FILE too');
  let publicKey: KeyObject | undefined;
  if (checkpoint) {
    try {
      publicKey = checkpointPublicKey(config.audit, values['public-key']);
    } catch (e) {
      throw e instanceof ConfigError ? e : new VerifyUsageError((e as Error).message);
    }
  }
  const bar = io.stderr.isTTY ? progressBar('verify', io.stderr) : null;
  const result = verifyLog({
    file: config.sqliteFile,
    checkpoint,
    publicKey,
    blobDir: config.blobDir,
    onProgress: bar ? (done, total) => total >= LONG_LOG && bar(done, total) : undefined,
  });
  const summary = summaryOf(result, checkpoint);
  const ok = result.ok && !result.unreadable && result.evidenceProblems.length === 0;
  if (!values['print-checkpoint']) {
    (ok ? io.stdout : io.stderr).write(summary);
    // 1: a hash, chain or checkpoint failure, or an unreadable event. The rules are listed apart; with --fail-on-rules a broken one exits 2.
    return !ok ? 1 : values['fail-on-rules'] && result.ruleViolations.length > 0 ? 2 : 0;
  }
  io.stderr.write(summary);
  if (!ok || !result.tree) return 1;
  const { signer, createdFile } = resolveAuditSigner(config.audit, { create: true });
  if (createdFile) io.stderr.write(`dgr: created a checkpoint signing key at ${createdFile} (owner-only)\n`);
  const signed = signer.sign(result.events, result.tree.root().toString('base64'), result.lastRecordedAt);
  io.stdout.write(JSON.stringify(signed, null, 2) + '\n');
  return 0;
};
