import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { catchUp, FundProjection, InitiativesProjection, readModelsHash, ReadModels, rebuild, RuleViolationsProjection } from '@dgr/application';
import { ReadModelDb } from '@dgr/read-model-store';
import { SqliteEventStore } from '@dgr/event-store';
import { progressBar } from './progress';

const modelsIn = (db: ReadModelDb): ReadModels => new ReadModels(new InitiativesProjection(db), new FundProjection(db), new RuleViolationsProjection(db));

export interface RebuildResult {
  readonly position: number;
  /** With --check: the hash of the kept read models and of a rebuild into a temporary file, at the same position. */
  readonly kept?: string;
  readonly rebuilt?: string;
}

/**
 * `dgr rebuild`: starts the persistent read models (DGR_READ_MODEL_FILE) anew and rebuilds them from the log.
 * Run it with the service stopped. `--check` rebuilds nothing in place: it brings the kept read models up to
 * the log's head (as a start would), rebuilds a copy into a temporary file up to the same position, and
 * compares the canonical hashes of both (ADR 0018): the crash harness's test that the read side is exact.
 */
export const rebuildCommand = async (storeFile: string, readModelFile: string, options: { check?: boolean } = {}): Promise<RebuildResult> => {
  const store = new SqliteEventStore(storeFile);
  const db = new ReadModelDb(readModelFile);
  try {
    const models = modelsIn(db);
    if (!options.check) return { position: await rebuild(store, models, progressBar('Återuppbyggnad')) };
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
    db.close();
    await store.close();
  }
};
