import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { catchUp, FundProjection, InitiativesProjection, readModelsHash, ReadModels, rebuild, RuleViolationsProjection } from '@dgr/application';
import { MAX_READ_MODEL_SLOTS, ReadModelDb, ReadModelFileInUse, ReadModelLock, readModelSlot } from '@dgr/read-model-store';
import { SqliteEventStore } from '@dgr/event-store';
import { progressBar } from './progress';

const modelsIn = (db: ReadModelDb): ReadModels => new ReadModels(new InitiativesProjection(db), new FundProjection(db), new RuleViolationsProjection(db));

/** Thrown by `dgr rebuild` when a running process holds the file. */
export class RebuildRefused extends Error {}

const lockedForRebuild = (file: string): ReadModelDb => {
  try {
    return ReadModelDb.openExclusive(file);
  } catch (e) {
    if (e instanceof ReadModelFileInUse)
      throw new RebuildRefused(`${file} is in use by a running instance (or another dgr command): stop it, then run dgr rebuild again`);
    throw e;
  }
};

/**
 * The other slots beside the default file (`read-models.2.sqlite`, …; ADR 0020) that exist, each locked, so that
 * they can be removed: the instance that next takes one rebuilds it from the log. Refuses while any is held.
 */
const lockedSlots = (file: string): Array<{ file: string; lock: ReadModelLock }> => {
  const taken: Array<{ file: string; lock: ReadModelLock }> = [];
  for (let n = 2; n <= MAX_READ_MODEL_SLOTS; n++) {
    const slot = readModelSlot(file, n);
    if (!existsSync(slot)) continue;
    const lock = ReadModelLock.tryTake(slot);
    if (!lock) {
      for (const t of taken) t.lock.release();
      throw new RebuildRefused(`${slot} is in use by a running instance (or another dgr command): stop it, then run dgr rebuild again`);
    }
    taken.push({ file: slot, lock });
  }
  return taken;
};

export interface RebuildResult {
  readonly position: number;
  /** Without --check, with the default file: the other slots removed (each rebuilt by the next instance that takes it). */
  readonly removed?: readonly string[];
  /** With --check: the hash of the kept read models and of a rebuild into a temporary file, at the same position. */
  readonly kept?: string;
  readonly rebuilt?: string;
}

/**
 * `dgr rebuild`: starts the persistent read models (DGR_READ_MODEL_FILE) anew and rebuilds them from the log.
 * Run it with the service stopped: it takes the file's lock (ADR 0020) and refuses while an instance holds it.
 * `--check` rebuilds nothing in place: it brings the kept read models up to the log's head (as a start would),
 * rebuilds a copy into a temporary file up to the same position, and compares the canonical hashes of both
 * (ADR 0018): the crash harness's test that the read side is exact, run beside the service (it takes no lock).
 */
export const rebuildCommand = async (
  storeFile: string,
  readModelFile: string,
  options: { check?: boolean; slots?: boolean } = {},
): Promise<RebuildResult> => {
  const db = options.check ? new ReadModelDb(readModelFile) : lockedForRebuild(readModelFile);
  let slots: Array<{ file: string; lock: ReadModelLock }> = [];
  try {
    if (!options.check && options.slots) slots = lockedSlots(readModelFile);
  } catch (e) {
    db.close();
    throw e;
  }
  const store = new SqliteEventStore(storeFile);
  try {
    const models = modelsIn(db);
    if (!options.check) {
      const position = await rebuild(store, models, progressBar('Återuppbyggnad'));
      for (const slot of slots) for (const suffix of ['', '-wal', '-shm']) rmSync(slot.file + suffix, { force: true });
      return slots.length > 0 ? { position, removed: slots.map((s) => s.file) } : { position };
    }
    const position = await catchUp(store, models, undefined, progressBar('Ikapp'));
    const kept = readModelsHash(models);
    const dir = mkdtempSync(path.join(tmpdir(), 'dgr-rebuild-check-'));
    const fresh = new ReadModelDb(path.join(dir, 'read-models.sqlite'));
    try {
      const copy = modelsIn(fresh);
      await catchUp(store, copy, position, progressBar('Kontroll'));
      return { position, kept, rebuilt: readModelsHash(copy) };
    } finally {
      fresh.close();
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    for (const slot of slots) slot.lock.release();
    db.close();
    await store.close();
  }
};
