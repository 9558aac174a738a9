#!/usr/bin/env node
// Writes a golden log (docs/adr/0010-event-versions-and-upcasting.md): the demo history as one release's `dgr`
// writes it, in test/fixtures/logs/<version>/, with what the test expects of it. Refuses to overwrite a version
// that exists: a golden log is what that release wrote, and stays so.
//
//   node tools/golden-log.mjs <version> [--dgr path/to/bin/dgr.js]
//
// --dgr: the release's own command (default: this checkout's bin/dgr.js, built with npm run build).
// Writes: log.jsonl (dgr export --format jsonl), checkpoint.json (dgr verify --print-checkpoint, signed with a
// key made for the fixture), checkpoint-public-key.pem, expected.json (events, versions, state hash, root).
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const version = args[0];
if (!version || !/^v\d+$/.test(version)) {
  process.stderr.write('usage: node tools/golden-log.mjs v<N> [--dgr path/to/bin/dgr.js]\n');
  process.exit(2);
}
const dgrAt = args.indexOf('--dgr');
const dgr = resolve(dgrAt >= 0 ? args[dgrAt + 1] : join(ROOT, 'bin', 'dgr.js'));
const target = join(ROOT, 'test', 'fixtures', 'logs', version);
if (existsSync(target)) {
  process.stderr.write(`golden-log: ${target} exists; a golden log is never rewritten. Choose a new version.\n`);
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'dgr-golden-'));
try {
  const file = join(work, 'dgr.sqlite');
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const keyFile = join(work, 'audit-signing-key.pem');
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const env = { ...process.env, DGR_SQLITE_FILE: file, DGR_AUDIT_SIGNING_KEY: keyFile, DGR_AUDIT_ORIGIN: `dgr-golden-${version}`, DGR_JWT_SECRET: 'golden-log-secret-that-is-long-enough-0123456789' };
  const run = (...a) => execFileSync(process.execPath, [dgr, ...a, '--file', file], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  run('seed-demo');
  const log = run('export', '--format', 'jsonl');
  const replayed = run('replay');
  const stateHash = /\(SHA-256 över kanonisk JSON\): ([0-9a-f]{64})/.exec(replayed)?.[1];
  if (!stateHash) throw new Error(`dgr replay printed no state hash:\n${replayed}`);
  const checkpoint = JSON.parse(run('verify', '--print-checkpoint'));

  const events = log.trim().split('\n').map((line) => JSON.parse(line));
  const versions = {};
  for (const e of events) {
    const key = `${e.type}@${e.metadata.schemaVersion}`;
    versions[key] = (versions[key] ?? 0) + 1;
  }
  mkdirSync(target, { recursive: true });
  writeFileSync(join(target, 'log.jsonl'), log);
  writeFileSync(join(target, 'checkpoint.json'), JSON.stringify(checkpoint, null, 2) + '\n');
  writeFileSync(join(target, 'checkpoint-public-key.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
  const expected = {
    events: events.length,
    stateHash,
    merkleRoot: checkpoint.root,
    eventVersions: Object.fromEntries(Object.entries(versions).sort()),
    writtenBy: JSON.parse(readFileSync(join(dirname(dgr), '..', 'package.json'), 'utf8')).version,
  };
  writeFileSync(join(target, 'expected.json'), JSON.stringify(expected, null, 2) + '\n');
  process.stdout.write(`golden-log: wrote ${target} (${events.length} events, state ${stateHash})\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
