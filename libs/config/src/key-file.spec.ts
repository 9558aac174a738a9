import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createFileOnce } from './key-file';

describe('createFileOnce', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'dgr-key-file-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the file owner-only once; a second call keeps the first content and says it did not create it', () => {
    const file = join(dir, 'sub', 'key.pem');
    expect(createFileOnce(file, () => 'first\n')).toBe(true);
    expect(createFileOnce(file, () => 'second\n')).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('first\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['key.pem']);
  });

  it('processes racing on one folder: exactly one creates the file, every one reads the same complete content', async () => {
    // Eight node processes released at one instant, each creating the file with its own content (as three
    // service instances starting on one folder create audit-signing-key.pem and session-secret).
    const file = join(dir, 'secret');
    const loader = resolve(__dirname, '..', '..', '..', 'tools', 'ts-worker-loader.cjs');
    const script = `
      const { createFileOnce } = require(${JSON.stringify(join(__dirname, 'key-file.ts'))});
      const start = Number(process.argv[1]);
      while (Date.now() < start) {}
      const created = createFileOnce(${JSON.stringify(file)}, () => 'content of ' + process.pid + '\\n');
      process.stdout.write(JSON.stringify({ created, read: require('node:fs').readFileSync(${JSON.stringify(file)}, 'utf8') }));`;
    const start = Date.now() + 3000;
    const run = (): Promise<{ created: boolean; read: string }> =>
      new Promise((done, fail) => {
        const child = spawn(process.execPath, ['-r', loader, '-e', script, String(start)], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (c: Buffer) => (out += c.toString()));
        child.stderr.on('data', (c: Buffer) => (err += c.toString()));
        child.on('exit', (code) => (code === 0 ? done(JSON.parse(out) as { created: boolean; read: string }) : fail(new Error(err))));
      });
    const answers = await Promise.all(Array.from({ length: 8 }, run));
    expect(answers.filter((a) => a.created)).toHaveLength(1);
    expect(new Set(answers.map((a) => a.read))).toEqual(new Set([readFileSync(file, 'utf8')]));
    expect(readFileSync(file, 'utf8')).toMatch(/^content of \d+\n$/);
    expect(readdirSync(dir)).toEqual(['secret']);
  }, 30_000);
});
