import { existsSync, mkdirSync, truncateSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * A process's claim on a read-model file: `<file>.lock`, an SQLite database opened with
 * `locking_mode=EXCLUSIVE` and written once, so that the connection keeps SQLite's exclusive lock on it (a
 * POSIX record lock) until it is closed — or until the process ends, however it ends: the operating system
 * releases the lock of a process killed with kill -9. Another process (or another connection in this one)
 * then cannot read the lock file at all and is refused at once (no busy wait).
 *
 * The read-model file itself is not locked: the process opens it on several connections, and other threads
 * may read it. The lock file holds nothing; it may be deleted while no process runs.
 */
export class ReadModelLock {
  private constructor(
    private readonly db: Database.Database,
    /** The lock file. */
    readonly file: string,
  ) {}

  /** The lock file of a read-model file. */
  static fileOf(readModelFile: string): string {
    return `${readModelFile}.lock`;
  }

  /** Takes the lock on `readModelFile`, or answers null when another live process (or connection) holds it. */
  static tryTake(readModelFile: string): ReadModelLock | null {
    const file = ReadModelLock.fileOf(readModelFile);
    mkdirSync(path.dirname(file), { recursive: true });
    try {
      return ReadModelLock.take(file);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return null;
      // Not an SQLite file (someone wrote into it): it holds nothing, so it is emptied (same inode: a
      // process that holds it keeps its lock) and taken again.
      if ((code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') && existsSync(file)) {
        truncateSync(file, 0);
        try {
          return ReadModelLock.take(file);
        } catch (again) {
          const c = (again as { code?: string }).code;
          if (c === 'SQLITE_BUSY' || c === 'SQLITE_LOCKED') return null;
          throw again;
        }
      }
      throw e;
    }
  }

  private static take(file: string): ReadModelLock {
    const db = new Database(file, { timeout: 0 });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      // No journal file beside it: the lock file holds nothing worth rolling back.
      db.pragma('journal_mode = MEMORY');
      // One write transaction: in exclusive locking mode the connection keeps the exclusive lock after it.
      db.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS held_by_one_process (x); COMMIT');
      return new ReadModelLock(db, file);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  get held(): boolean {
    return this.db.open;
  }

  release(): void {
    if (this.db.open) this.db.close();
  }
}

/** A read-model file another process holds (ReadModelLock), when it was named explicitly. */
export class ReadModelFileInUse extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'ReadModelFileInUse';
  }
}

/**
 * The n-th slot of a read-model file: the file itself for 1, else the number before its extension
 * (`read-models.sqlite` → `read-models.2.sqlite`, `models` → `models.2`).
 */
export const readModelSlot = (file: string, n: number): string => {
  if (n === 1) return file;
  const ext = path.extname(file);
  return ext === '' ? `${file}.${n}` : `${file.slice(0, -ext.length)}.${n}${ext}`;
};

/** How many slots beside the default file a start tries before it gives up. */
export const MAX_READ_MODEL_SLOTS = 32;
