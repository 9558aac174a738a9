import { HASH_SIZE, type MerkleLevels, type Mismatch, type StreamHead, type StreamHeads } from '@dgr/audit';
import { ReadModelDb, type Statement } from '@dgr/read-model-store';

/**
 * The audit read model's code version: a file written by another version is rebuilt from the log. Raise it
 * whenever what the tables hold, or how a leaf is made, changes.
 */
export const AUDIT_MODEL_VERSION = 1;

/** Where the audit read model stands: written in the same transaction as the rows it covers. */
export interface AuditCheckpoint {
  /** The global position of the last event applied (0: none). */
  readonly position: number;
  /** How many leaves the tree holds (equal to position unless the log had a gap). */
  readonly size: number;
  /** The stored hash of the event at `position`: a resume checks that the log still has it there. */
  readonly lastHash: string | null;
  readonly firstMismatch: Mismatch | null;
}

const EMPTY: AuditCheckpoint = { position: 0, size: 0, lastHash: null, firstMismatch: null };

/** The audit read model's row in `projection_checkpoints` (the read-model file's one checkpoint table). */
export const AUDIT_CHECKPOINT = 'audit';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS audit_nodes (
    level INTEGER NOT NULL,
    block INTEGER NOT NULL,
    hashes BLOB NOT NULL,
    PRIMARY KEY (level, block)
  );
  CREATE TABLE IF NOT EXISTS audit_heads (
    stream TEXT PRIMARY KEY,
    revision INTEGER NOT NULL,
    hash TEXT NOT NULL
  ) WITHOUT ROWID;
`;

/** Its tables (and the checkpoint table of files written before its checkpoint moved to `projection_checkpoints`). */
const TABLES = ['audit_nodes', 'audit_heads', 'audit_checkpoint'];

/** What the audit checkpoint keeps beyond position and hash (`projection_checkpoints.detail`). */
interface CheckpointDetail {
  size: number;
  firstMismatch: Mismatch | null;
}

/** Hashes per row of `audit_nodes`: a row holds up to this many consecutive hashes of one level (2,016 bytes: two rows to a 4 KiB page). */
export const AUDIT_BLOCK = 63;
const BLOCK_BYTES = AUDIT_BLOCK * HASH_SIZE;

/**
 * The tree's levels in `audit_nodes` (level, block → hashes: level 0 the leaf hashes by position − 1, level j the
 * complete subtrees of 2^j leaves; hash i of a level is bytes [32·(i mod 63), +32) of its block ⌊i / 63⌋), with the
 * hashes appended since the last commit held in the heap until then. Level j holds ⌊size / 2^j⌋ hashes, so its
 * count follows from the size alone. Blocks of 63 make a rebuild write ~1/31 as many rows as one row per hash. A
 * rowid table, not WITHOUT ROWID: there a 2 KiB row would spill to an overflow page of its own.
 */
export class SqliteMerkleLevels implements MerkleLevels {
  /** Hashes per level in the file. */
  private committed: number[] = [];
  private pending: Buffer[][] = [];
  /** The last block read, per level (proofs and appends read neighbours). */
  private cached: Array<{ block: number; hashes: Buffer } | undefined> = [];
  private readonly selectRow: Statement;
  private readonly upsert: Statement;

  constructor(db: ReadModelDb, size: number) {
    this.selectRow = db.stmt('SELECT hashes FROM audit_nodes WHERE level = ? AND block = ?');
    // A block only ever grows (a tool that wrote the file meanwhile wrote the same hashes: they follow from the log).
    this.upsert = db.stmt(
      'INSERT INTO audit_nodes (level, block, hashes) VALUES (?, ?, ?) ON CONFLICT (level, block) DO UPDATE SET hashes = excluded.hashes WHERE length(excluded.hashes) > length(audit_nodes.hashes)',
    );
    this.reset(size);
  }

  private select(level: number, block: number): { hashes: Buffer } | undefined {
    return this.selectRow.get(level, block) as { hashes: Buffer } | undefined;
  }

  reset(size: number): void {
    this.committed = [];
    for (let n = size; n > 0; n = Math.floor(n / 2)) this.committed.push(n);
    this.pending = [];
    this.cached = [];
  }

  count(level: number): number {
    return (this.committed[level] ?? 0) + (this.pending[level]?.length ?? 0);
  }

  get(level: number, index: number): Buffer {
    const committed = this.committed[level] ?? 0;
    if (index >= committed) {
      const h = this.pending[level]?.[index - committed];
      if (!h) throw new RangeError(`no node ${index} at level ${level}`);
      return h;
    }
    const block = Math.floor(index / AUDIT_BLOCK);
    const hashes = this.block(level, block);
    const at = (index % AUDIT_BLOCK) * HASH_SIZE;
    if (!hashes || hashes.length < at + HASH_SIZE) throw new Error(`the audit read model lacks node ${index} of level ${level}`);
    return hashes.subarray(at, at + HASH_SIZE);
  }

  push(level: number, hash: Uint8Array): void {
    while (this.pending.length <= level) this.pending.push([]);
    this.pending[level]!.push(Buffer.from(hash));
  }

  private block(level: number, block: number): Buffer | undefined {
    const c = this.cached[level];
    if (c && c.block === block) return c.hashes;
    const hashes = this.select(level, block)?.hashes;
    if (hashes) this.cached[level] = { block, hashes };
    return hashes;
  }

  /** Writes the pending hashes (inside the caller's transaction): the level's last block completed, then new ones. */
  write(): void {
    this.pending.forEach((hashes, level) => {
      if (hashes.length === 0) return;
      const from = this.committed[level] ?? 0;
      let block = Math.floor(from / AUDIT_BLOCK);
      const kept = from % AUDIT_BLOCK;
      let rest = Buffer.concat(hashes);
      if (kept > 0) {
        const head = this.block(level, block);
        if (!head || head.length < kept * HASH_SIZE) throw new Error(`the audit read model lacks block ${block} of level ${level}`);
        rest = Buffer.concat([head.subarray(0, kept * HASH_SIZE), rest]);
      }
      for (let at = 0; at < rest.length; at += BLOCK_BYTES, block += 1) this.upsert.run(level, block, rest.subarray(at, at + BLOCK_BYTES));
    });
  }

  /** After the transaction committed. */
  written(): void {
    this.pending.forEach((hashes, level) => {
      this.committed[level] = (this.committed[level] ?? 0) + hashes.length;
    });
    this.pending = [];
    this.cached = [];
  }

  /** Whether the file holds exactly the hashes of every level for this size (a cheap sign that it is whole). */
  complete(size: number): boolean {
    let level = 0;
    for (let n = size; n > 0; n = Math.floor(n / 2), level += 1) {
      const last = Math.floor((n - 1) / AUDIT_BLOCK);
      if (this.select(level, last)?.hashes.length !== ((n - 1) % AUDIT_BLOCK + 1) * HASH_SIZE) return false;
      if (this.select(level, last + 1)) return false;
    }
    this.cached = [];
    return true;
  }
}

/** Each stream's head in `audit_heads`, with the heads changed since the last commit held in the heap. */
export class SqliteStreamHeads implements StreamHeads {
  private pending = new Map<string, StreamHead>();
  private readonly select: Statement;
  private readonly upsert: Statement;

  constructor(db: ReadModelDb) {
    this.select = db.stmt('SELECT revision, hash FROM audit_heads WHERE stream = ?');
    this.upsert = db.stmt(
      'INSERT INTO audit_heads (stream, revision, hash) VALUES (?, ?, ?) ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision, hash = excluded.hash WHERE excluded.revision >= audit_heads.revision',
    );
  }

  get(stream: string): StreamHead | undefined {
    const p = this.pending.get(stream);
    if (p) return p;
    const row = this.select.get(stream) as StreamHead | undefined;
    return row ? { revision: row.revision, hash: row.hash } : undefined;
  }

  set(stream: string, head: StreamHead): void {
    this.pending.set(stream, head);
  }

  write(): void {
    for (const [stream, head] of this.pending) this.upsert.run(stream, head.revision, head.hash);
  }

  written(): void {
    this.pending = new Map();
  }

  reset(): void {
    this.pending = new Map();
  }
}

/** Why an open file was set aside or its audit tables emptied, for the log. */
export type RebuildReason = string;

/**
 * The audit read model's tables (`audit_*`) in the read-model file, on the process's one connection to it (the
 * ReadModelDb the business read models use): the tree's leaf and subtree hashes, the streams' heads, and its
 * checkpoint — the row `audit` of `projection_checkpoints`, with the tree's size and the first mismatch as its
 * detail — all written in one transaction per commit. Whether the file could be read (a damaged one is moved
 * aside) is the ReadModelDb's to say; `open(file)` opens one of its own (tests, the bench).
 */
export class AuditLogStore {
  readonly levels: SqliteMerkleLevels;
  readonly heads: SqliteStreamHeads;
  private state: AuditCheckpoint;

  /** Opens (or creates) the tables; `rebuildReason` says why the stored model was not kept, or null. */
  private constructor(
    private readonly db: ReadModelDb,
    private readonly owned: boolean,
    public rebuildReason: RebuildReason | null,
  ) {
    db.exec(SCHEMA);
    this.adoptOwnCheckpointTable();
    this.state = this.loadCheckpoint();
    this.levels = new SqliteMerkleLevels(db, this.state.size);
    this.heads = new SqliteStreamHeads(db);
    if (this.state.size > 0 && !this.levels.complete(this.state.size)) this.reset(`its tree does not hold the ${this.state.size} leaves its checkpoint names`);
  }

  /** The audit tables in the process's read-model file (shared with the business read models; closed by its owner). */
  static on(db: ReadModelDb): AuditLogStore {
    return new AuditLogStore(db, false, AuditLogStore.reasonOf(db));
  }

  /** The audit tables in a read-model file of their own (tests, the bench); `close` closes it. */
  static open(file: string): AuditLogStore {
    const db = new ReadModelDb(file);
    return new AuditLogStore(db, true, AuditLogStore.reasonOf(db));
  }

  private static reasonOf(db: ReadModelDb): RebuildReason | null {
    if (db.file === ':memory:') return null;
    if (db.recreated) return `the read-model file could not be used: ${db.recreated}`;
    return db.created ? 'the read-model file did not exist' : null;
  }

  get file(): string {
    return this.db.file;
  }

  /**
   * A file written when the audit read model kept its own checkpoint table (`audit_checkpoint`): its row moves to
   * `projection_checkpoints`, so the first start after the change resumes instead of re-hashing the log.
   */
  private adoptOwnCheckpointTable(): void {
    if (!this.db.hasTable('audit_checkpoint')) return;
    this.db.transaction(() => {
      const row = this.db.stmt('SELECT version, position, size, last_hash, first_mismatch FROM audit_checkpoint WHERE id = 1').get() as
        | { version: number; position: number; size: number; last_hash: string | null; first_mismatch: string | null }
        | undefined;
      if (row && !this.db.checkpoint(AUDIT_CHECKPOINT)) {
        let firstMismatch: Mismatch | null | undefined;
        try {
          firstMismatch = row.first_mismatch ? (JSON.parse(row.first_mismatch) as Mismatch) : null;
        } catch {
          firstMismatch = undefined; // unreadable: no checkpoint is adopted, and the tables are rebuilt
        }
        if (firstMismatch !== undefined) {
          const detail: CheckpointDetail = { size: row.size, firstMismatch };
          this.db.setCheckpoint(AUDIT_CHECKPOINT, row.version, row.position, row.last_hash, JSON.stringify(detail));
        }
      }
      this.db.exec('DROP TABLE audit_checkpoint');
    });
  }

  private loadCheckpoint(): AuditCheckpoint {
    const row = this.db.checkpoint(AUDIT_CHECKPOINT);
    if (!row) {
      // Rows without a checkpoint (it was deleted to force a rebuild): they may be another log's, so they go too.
      if (this.db.stmt('SELECT 1 FROM audit_nodes UNION ALL SELECT 1 FROM audit_heads LIMIT 1').get()) {
        this.dropAll();
        this.rebuildReason = 'it has no checkpoint';
      }
      return EMPTY;
    }
    if (row.version !== AUDIT_MODEL_VERSION) {
      this.dropAll();
      this.rebuildReason = `it was written by audit model version ${row.version}, this is version ${AUDIT_MODEL_VERSION}`;
      return EMPTY;
    }
    let detail: CheckpointDetail;
    try {
      detail = JSON.parse(row.detail ?? '') as CheckpointDetail;
      if (!Number.isSafeInteger(detail.size) || detail.size < 0) throw new Error('no size');
    } catch {
      this.dropAll();
      this.rebuildReason = 'its checkpoint cannot be read';
      return EMPTY;
    }
    return { position: row.position, size: detail.size, lastHash: row.lastHash, firstMismatch: detail.firstMismatch ?? null };
  }

  private dropAll(): void {
    this.db.transaction(() => {
      for (const t of TABLES) this.db.exec(`DROP TABLE IF EXISTS ${t}`);
      this.db.deleteCheckpoint(AUDIT_CHECKPOINT);
      this.db.exec(SCHEMA);
    });
  }

  /** Where the stored model stands (the last commit, or what `commit` was last given). */
  get checkpoint(): AuditCheckpoint {
    return this.state;
  }

  /** Writes the pending rows and the checkpoint `c` in one transaction. */
  commit(c: AuditCheckpoint): void {
    this.db.transaction(() => {
      this.levels.write();
      this.heads.write();
      const detail: CheckpointDetail = { size: c.size, firstMismatch: c.firstMismatch };
      this.db.setCheckpoint(AUDIT_CHECKPOINT, AUDIT_MODEL_VERSION, c.position, c.lastHash, JSON.stringify(detail));
    });
    this.levels.written();
    this.heads.written();
    this.state = c;
  }

  /** Empties the audit tables, to rebuild from the log. */
  reset(reason: RebuildReason): void {
    this.dropAll();
    this.levels.reset(0);
    this.heads.reset();
    this.state = EMPTY;
    this.rebuildReason = reason;
  }

  /** Whether the file is still open (a commit after its owner closed it writes nothing). */
  get isOpen(): boolean {
    return this.db.isOpen;
  }

  /** Closes the file when this store opened it (`open`); a shared one is closed by its owner. */
  close(): void {
    if (this.owned) this.db.close();
  }
}
