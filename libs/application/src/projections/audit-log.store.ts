import Database from 'better-sqlite3';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { HASH_SIZE, type MerkleLevels, type Mismatch, type StreamHead, type StreamHeads } from '@dgr/audit';

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

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS audit_checkpoint (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL,
    position INTEGER NOT NULL,
    size INTEGER NOT NULL,
    last_hash TEXT,
    first_mismatch TEXT
  );
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

const TABLES = ['audit_checkpoint', 'audit_nodes', 'audit_heads'];

interface CheckpointRow {
  version: number;
  position: number;
  size: number;
  last_hash: string | null;
  first_mismatch: string | null;
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
  private readonly select: Database.Statement<[number, number], { hashes: Buffer }>;
  private readonly upsert: Database.Statement<[number, number, Buffer]>;

  constructor(db: Database.Database, size: number) {
    this.select = db.prepare('SELECT hashes FROM audit_nodes WHERE level = ? AND block = ?');
    // Another process on the same file writes the same hashes: a block only ever grows.
    this.upsert = db.prepare(
      'INSERT INTO audit_nodes (level, block, hashes) VALUES (?, ?, ?) ON CONFLICT (level, block) DO UPDATE SET hashes = excluded.hashes WHERE length(excluded.hashes) > length(audit_nodes.hashes)',
    );
    this.reset(size);
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
    const hashes = this.select.get(level, block)?.hashes;
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
      if (this.select.get(level, last)?.hashes.length !== ((n - 1) % AUDIT_BLOCK + 1) * HASH_SIZE) return false;
      if (this.select.get(level, last + 1)) return false;
    }
    this.cached = [];
    return true;
  }
}

/** Each stream's head in `audit_heads`, with the heads changed since the last commit held in the heap. */
export class SqliteStreamHeads implements StreamHeads {
  private pending = new Map<string, StreamHead>();
  private readonly select: Database.Statement<[string], StreamHead>;
  private readonly upsert: Database.Statement<[string, number, string]>;

  constructor(db: Database.Database) {
    this.select = db.prepare('SELECT revision, hash FROM audit_heads WHERE stream = ?');
    this.upsert = db.prepare(
      'INSERT INTO audit_heads (stream, revision, hash) VALUES (?, ?, ?) ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision, hash = excluded.hash WHERE excluded.revision >= audit_heads.revision',
    );
  }

  get(stream: string): StreamHead | undefined {
    const p = this.pending.get(stream);
    if (p) return p;
    const row = this.select.get(stream);
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
 * The audit read model's tables (`audit_*`) in the read-model file: the tree's leaf and subtree hashes, the
 * streams' heads, and the checkpoint, all written in one transaction per commit. Takes a file path (created when
 * missing; set aside as `<file>.damaged-<time>` when SQLite cannot read it) or `:memory:`. Another process may
 * write the same rows (they follow from the log alone): rows are inserted or ignored, and the checkpoint only
 * moves forward.
 */
export class AuditLogStore {
  readonly levels: SqliteMerkleLevels;
  readonly heads: SqliteStreamHeads;
  private state: AuditCheckpoint;
  private readonly readCheckpoint: Database.Statement<[], CheckpointRow>;
  private readonly writeCheckpoint: Database.Statement<[number, number, number, string | null, string | null]>;
  private readonly commitTx: Database.Transaction<(c: AuditCheckpoint) => void>;

  /** Opens (or creates) the tables; `rebuildReason` says why the stored model was not kept, or null. */
  private constructor(
    private readonly db: Database.Database,
    readonly file: string,
    public rebuildReason: RebuildReason | null,
  ) {
    this.readCheckpoint = db.prepare('SELECT version, position, size, last_hash, first_mismatch FROM audit_checkpoint WHERE id = 1');
    this.writeCheckpoint = db.prepare(
      `INSERT INTO audit_checkpoint (id, version, position, size, last_hash, first_mismatch) VALUES (1, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET position = excluded.position, size = excluded.size, last_hash = excluded.last_hash,
         first_mismatch = excluded.first_mismatch WHERE excluded.position > audit_checkpoint.position`,
    );
    this.state = this.loadCheckpoint();
    this.levels = new SqliteMerkleLevels(db, this.state.size);
    this.heads = new SqliteStreamHeads(db);
    if (this.state.size > 0 && !this.levels.complete(this.state.size)) this.reset(`its tree does not hold the ${this.state.size} leaves its checkpoint names`);
    this.commitTx = db.transaction((c: AuditCheckpoint) => {
      this.levels.write();
      this.heads.write();
      this.writeCheckpoint.run(
        AUDIT_MODEL_VERSION,
        c.position,
        c.size,
        c.lastHash,
        c.firstMismatch ? JSON.stringify(c.firstMismatch) : null,
      );
    });
  }

  static open(file: string): AuditLogStore {
    if (file === ':memory:') return new AuditLogStore(AuditLogStore.connect(file), file, null);
    const existed = existsSync(file);
    mkdirSync(dirname(file), { recursive: true });
    let db: Database.Database;
    let reason: string | null = existed ? null : 'the read-model file did not exist';
    try {
      db = AuditLogStore.connect(file);
    } catch (e) {
      const aside = `${file}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      renameSync(file, aside);
      reason = `SQLite could not read the read-model file (${(e as Error).message}); it was moved to ${aside}`;
      db = AuditLogStore.connect(file);
    }
    return new AuditLogStore(db, file, reason);
  }

  private static connect(file: string): Database.Database {
    const db = new Database(file);
    try {
      db.pragma('busy_timeout = 5000');
      if (file !== ':memory:') db.pragma('journal_mode = WAL');
      // A read model follows from the log: a crash may lose the last commits, never mix a checkpoint with other rows.
      db.pragma('synchronous = NORMAL');
      db.exec(SCHEMA);
      return db;
    } catch (e) {
      db.close();
      throw e;
    }
  }

  private loadCheckpoint(): AuditCheckpoint {
    const row = this.readCheckpoint.get();
    if (!row) {
      // Rows without a checkpoint (it was deleted to force a rebuild): they may be another log's, so they go too.
      if (this.db.prepare('SELECT 1 FROM audit_nodes UNION ALL SELECT 1 FROM audit_heads LIMIT 1').get()) {
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
    let firstMismatch: Mismatch | null = null;
    try {
      firstMismatch = row.first_mismatch ? (JSON.parse(row.first_mismatch) as Mismatch) : null;
    } catch {
      this.dropAll();
      this.rebuildReason = 'its checkpoint cannot be read';
      return EMPTY;
    }
    return { position: row.position, size: row.size, lastHash: row.last_hash, firstMismatch };
  }

  private dropAll(): void {
    this.db.transaction(() => {
      for (const t of TABLES) this.db.exec(`DROP TABLE IF EXISTS ${t}`);
      this.db.exec(SCHEMA);
    })();
  }

  /** Where the stored model stands (the last commit, or what `commit` was last given). */
  get checkpoint(): AuditCheckpoint {
    return this.state;
  }

  /** Writes the pending rows and the checkpoint `c` in one transaction. */
  commit(c: AuditCheckpoint): void {
    this.commitTx(c);
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

  close(): void {
    if (this.db.open) this.db.close();
  }
}
