import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { eventHash } from './event-hash';
import { SqliteEventStore } from './sqlite-event-store';

const metadata = { recordedAt: '2024-01-01T00:00:00.000Z', correlationId: 'c', causationId: null, schemaVersion: 1, actor: null };

/** A log file as an older version wrote it: `columns` 'none' (before hashes), or 'empty' (the columns added, the hashes not yet). */
const olderFile = (dir: string, columns: 'none' | 'empty'): string => {
  const file = path.join(dir, 'dgr.sqlite');
  const db = new Database(file);
  db.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, stream TEXT NOT NULL,
    revision INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, UNIQUE (stream, revision))`);
  if (columns === 'empty') db.exec("ALTER TABLE events ADD COLUMN hash TEXT NOT NULL DEFAULT ''; ALTER TABLE events ADD COLUMN previous_hash TEXT");
  const insert = db.prepare('INSERT INTO events (id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
  [['a', 0], ['b', 0], ['a', 1]].forEach(([stream, revision], i) => insert.run(`e${i}`, stream, revision, 'T', JSON.stringify({ n: i }), JSON.stringify(metadata)));
  db.close();
  return file;
};

describe('SqliteEventStore on a file an older version wrote', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dgr-older-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(['none', 'empty'] as const)('adds every hash and chain once (hash columns: %s), and a later start finds nothing to add', async (columns) => {
    const file = olderFile(dir, columns);
    const store = new SqliteEventStore(file);
    const events = await store.readAll(0, 10);
    await store.close();
    const a0 = events[0]!;
    expect(a0.hash).toBe(eventHash({ stream: 'a', revision: 0, type: 'T', data: { n: 0 }, metadata, previousHash: null }));
    expect(events[2]!.previousHash).toBe(a0.hash);
    expect(events.every((e) => e.hash !== '')).toBe(true);
    const hashes = events.map((e) => e.hash);
    const again = new SqliteEventStore(file);
    expect((await again.readAll(0, 10)).map((e) => e.hash)).toEqual(hashes);
    await again.close();
  });
});
