/**
 * A fresh folder per test for read-model files, and `open()` for a connection to its `read-models.sqlite` (each
 * one a separate writer on the same file, as another process would be); all closed and the folder removed after
 * each test. For specs only (not exported from the library's index).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReadModelDb } from '@dgr/read-model-store';

export const useReadModelFiles = (prefix: string): { open: () => ReadModelDb } => {
  let dir = '';
  const opened: ReadModelDb[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(() => {
    for (const db of opened.splice(0)) db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    open: () => {
      const db = new ReadModelDb(join(dir, 'read-models.sqlite'));
      opened.push(db);
      return db;
    },
  };
};
