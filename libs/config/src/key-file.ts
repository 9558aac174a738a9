import { linkSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes `content` to `file` (owner-only) unless the file exists, atomically: the content goes to a temporary file
 * first, which is then hard-linked to its name (a link fails when the name exists). So when several processes
 * start at once on one folder, one creates the key and the others read that one — complete, never half-written —
 * instead of failing with EEXIST or reading an empty file. Answers whether this call created it.
 */
export const createFileOnce = (file: string, content: () => string): boolean => {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temp, content(), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    unlinkSync(temp);
  }
};
