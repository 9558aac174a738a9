import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import ts from 'typescript';
import { ReadModelDb } from './read-model-db';
import { ReadModelFileInUse, ReadModelLock, readModelSlot } from './read-model-lock';

/*
 * One process per read-model file (ADR 0020): the lock file, its release when the holder dies (kill -9 included),
 * the slots a second instance takes beside the default file, and the refusal of an explicitly named file held
 * by another process.
 */

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dgr-read-model-lock-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * Another process that takes the lock with this very module (read-model-lock.ts compiled on the fly, so that no
 * build is needed) and keeps it until it is killed. Resolves once it has said whether it got it.
 */
const holder = async (readModelFile: string): Promise<{ child: ChildProcess; got: boolean }> => {
  const source = fs.readFileSync(path.join(__dirname, 'read-model-lock.ts'), 'utf8');
  const js = ts
    .transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } })
    // The copy sits in a temporary folder: it finds the driver where this test does.
    .outputText.replace(/require\("better-sqlite3"\)/, `require(${JSON.stringify(require.resolve('better-sqlite3'))})`);
  const moduleFile = path.join(dir, 'read-model-lock.js');
  fs.writeFileSync(moduleFile, js);
  const script = `const { ReadModelLock } = require(${JSON.stringify(moduleFile)});
    const lock = ReadModelLock.tryTake(${JSON.stringify(readModelFile)});
    process.stdout.write(lock ? 'held\\n' : 'busy\\n');
    setInterval(() => lock, 60000);`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  const answer = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`the holder exited with ${code}: ${out}`)));
  });
  return { child, got: answer === 'held' };
};

const killed = (child: ChildProcess, signal: NodeJS.Signals): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.on('exit', () => resolve());
    child.kill(signal);
  });

describe('ReadModelLock', () => {
  it('is held by one connection at a time, and free again once released', () => {
    const file = path.join(dir, 'read-models.sqlite');
    const first = ReadModelLock.tryTake(file);
    expect(first).not.toBeNull();
    expect(ReadModelLock.tryTake(file)).toBeNull();
    first!.release();
    const second = ReadModelLock.tryTake(file);
    expect(second).not.toBeNull();
    second!.release();
    // The lock is a file of its own: the read-model file is not touched.
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.existsSync(`${file}.lock`)).toBe(true);
  });

  it('is released by the operating system when the process holding it is killed with kill -9', async () => {
    const file = path.join(dir, 'read-models.sqlite');
    const { child, got } = await holder(file);
    try {
      expect(got).toBe(true);
      expect(ReadModelLock.tryTake(file)).toBeNull();
      // A second process is refused too (not only this one's second connection).
      const second = await holder(file);
      expect(second.got).toBe(false);
      await killed(second.child, 'SIGKILL');
    } finally {
      await killed(child, 'SIGKILL');
    }
    const after = ReadModelLock.tryTake(file);
    expect(after).not.toBeNull();
    after!.release();
  });

  it('takes a lock file something else wrote into (it holds nothing)', () => {
    const file = path.join(dir, 'read-models.sqlite');
    fs.writeFileSync(`${file}.lock`, 'not a database '.repeat(600));
    const lock = ReadModelLock.tryTake(file);
    expect(lock).not.toBeNull();
    expect(ReadModelLock.tryTake(file)).toBeNull();
    lock!.release();
  });
});

describe('ReadModelDb.openExclusive', () => {
  it('with slots: the default file, then read-models.2.sqlite, .3, … while the earlier ones are held; a freed slot is taken again', () => {
    const file = path.join(dir, 'read-models.sqlite');
    const a = ReadModelDb.openExclusive(file, { slots: true });
    const b = ReadModelDb.openExclusive(file, { slots: true });
    const c = ReadModelDb.openExclusive(file, { slots: true });
    expect([a, b, c].map((db) => [db.slot, path.basename(db.file)])).toEqual([
      [1, 'read-models.sqlite'],
      [2, 'read-models.2.sqlite'],
      [3, 'read-models.3.sqlite'],
    ]);
    b.close();
    const d = ReadModelDb.openExclusive(file, { slots: true });
    expect(d.file).toBe(path.join(dir, 'read-models.2.sqlite'));
    expect(d.created).toBe(false);
    for (const db of [a, c, d]) db.close();
  });

  it('without slots (a file named explicitly): refused with a message that says what to do while another process holds it', () => {
    const file = path.join(dir, 'mine.sqlite');
    const held = ReadModelDb.openExclusive(file);
    try {
      expect(() => ReadModelDb.openExclusive(file)).toThrow(ReadModelFileInUse);
      expect(() => ReadModelDb.openExclusive(file)).toThrow(/mine\.sqlite is in use by another process.*own DGR_READ_MODEL_FILE/);
    } finally {
      held.close();
    }
    ReadModelDb.openExclusive(file).close();
  });

  it('names the slots before the extension', () => {
    expect(readModelSlot('/srv/dgr/read-models.sqlite', 1)).toBe('/srv/dgr/read-models.sqlite');
    expect(readModelSlot('/srv/dgr/read-models.sqlite', 2)).toBe('/srv/dgr/read-models.2.sqlite');
    expect(readModelSlot('/srv/dgr/models', 3)).toBe('/srv/dgr/models.3');
  });
});

describe('a read-model file SQLite cannot read', () => {
  it('is moved aside (not deleted), and the reason names where it went', () => {
    const file = path.join(dir, 'read-models.sqlite');
    fs.writeFileSync(file, Buffer.alloc(8192, 'x'));
    const db = ReadModelDb.openExclusive(file);
    try {
      const aside = fs.readdirSync(dir).filter((f) => f.startsWith('read-models.sqlite.damaged-'));
      expect(aside).toEqual([expect.stringMatching(/\.damaged-[0-9TZ-]+$/)]);
      expect(fs.readFileSync(path.join(dir, aside[0]!))).toEqual(Buffer.alloc(8192, 'x'));
      expect(db.recreated).toMatch(/file is not a database.*moved to .*read-models\.sqlite\.damaged-/);
      expect(db.checkpoint('initiatives')).toBeNull();
    } finally {
      db.close();
    }
  });
});

describe('the checkpoint table', () => {
  it('gains the detail column in a file written before it', () => {
    const file = path.join(dir, 'read-models.sqlite');
    const old = new Database(file);
    old.exec(`CREATE TABLE projection_checkpoints (name TEXT PRIMARY KEY, version INTEGER NOT NULL, position INTEGER NOT NULL, last_hash TEXT);
              INSERT INTO projection_checkpoints VALUES ('fund', 3, 42, 'h42')`);
    old.close();
    const db = new ReadModelDb(file);
    try {
      expect(db.checkpoint('fund')).toEqual({ version: 3, position: 42, lastHash: 'h42', detail: null });
      db.setCheckpoint('audit', 1, 42, 'h42', '{"size":42}');
      expect(db.checkpoint('audit')).toEqual({ version: 1, position: 42, lastHash: 'h42', detail: '{"size":42}' });
    } finally {
      db.close();
    }
  });
});
