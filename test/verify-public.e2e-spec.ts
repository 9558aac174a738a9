/**
 * `dgr verify-public` against running services (HttpApp, real HTTP, no token, no store): first use pins the
 * key and saves the checkpoint; a grown log verifies by a consistency proof; a tampered checkpoint, a forked
 * log signed with the same key, a shrunk log, a changed key and a lying proof are each refused.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { verifyPublic, VerifyPublicError, type VerifyPublicOptions } from '../apps/cli/src/verify-public';
import { HttpApp, propose } from './support/http-app';

const signingKey = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const KEY = signingKey();

let app: HttpApp;
let dir: string;

beforeAll(async () => {
  app = await HttpApp.start({ env: { DGR_AUDIT_SIGNING_KEY: KEY } });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dgr-verify-public-'));
  await propose(app, { title: 'Första' });
  await propose(app, { title: 'Andra' });
});

afterAll(async () => {
  await app?.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

const run = (options: Partial<VerifyPublicOptions> = {}) => verifyPublic({ url: app.baseUrl, stateDir: dir, today: '2025-06-15', ...options });

/** Refused with a VerifyPublicError whose message matches. */
const refused = async (promise: Promise<unknown>, message: RegExp) => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VerifyPublicError);
  expect((error as Error).message).toMatch(message);
};

const stateFolder = () => path.join(dir, fs.readdirSync(dir).find((f) => f.startsWith('127.0.0.1_'))!);

describe('dgr verify-public', () => {
  it('on first use checks the signature with the served key, pins it and saves the checkpoint', async () => {
    const result = await run();
    expect(result.checkpoint.size).toBe(2);
    expect(result.lines[1]).toMatch(/^Signaturen \(Ed25519\) stämmer med nyckeln [0-9a-f:]{95} – första gången/);
    expect(result.lines).toContain('Ingen tidigare kontrollpunkt att jämföra med: den här sparas för nästa gång.');
    expect(result.lines.at(-1)).toBe('OK');
    const folder = stateFolder();
    expect(fs.readdirSync(folder).sort()).toEqual(['checkpoint-2025-06-15.json', 'checkpoint.json', 'public-key.pem']);
    expect(fs.readFileSync(path.join(folder, 'public-key.pem'), 'utf8')).toBe((await app.get('/api/audit/public-key')).body.publicKeyPem);
    expect(JSON.parse(fs.readFileSync(path.join(folder, 'checkpoint.json'), 'utf8'))).toEqual((await app.get('/api/audit/checkpoint')).body);
  });

  it('after more events checks by a consistency proof that the log extends the saved checkpoint', async () => {
    await propose(app, { title: 'Tredje' });
    await propose(app, { title: 'Fjärde' });
    const result = await run({ today: '2025-07-15' });
    expect(result.checkpoint.size).toBe(4);
    expect(result.lines).toContain(
      `Loggen innehåller den tidigare kontrollpunkten oförändrad (${path.join(stateFolder(), 'checkpoint.json')}: 2 händelser) och har vuxit med 2 (konsistensbevis, RFC 6962).`,
    );
    expect((await run({ today: '2025-07-15' })).lines).toContain(`Samma logg som i den tidigare kontrollpunkten (${path.join(stateFolder(), 'checkpoint.json')}): 4 händelser, samma rot.`);
    // A month's copy kept by a registrar still verifies against the log of today.
    expect((await run({ today: '2025-07-15', previousFile: path.join(stateFolder(), 'checkpoint-2025-06-15.json') })).lines.at(-1)).toBe('OK');
  });

  it('refuses a tampered checkpoint (its signature does not verify) and saves nothing', async () => {
    const before = fs.readFileSync(path.join(stateFolder(), 'checkpoint.json'), 'utf8');
    const tampering: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (!String(input).endsWith('/api/public/checkpoint')) return res;
      const body = (await res.json()) as Record<string, unknown>;
      return new Response(JSON.stringify({ ...body, size: (body.size as number) + 1 }), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    await refused(run({ fetch: tampering }), /^Kontrollpunktens signatur stämmer inte med nyckeln/);
    expect(fs.readFileSync(path.join(stateFolder(), 'checkpoint.json'), 'utf8')).toBe(before);
  });

  it('refuses a consistency proof that does not prove', async () => {
    const saved = JSON.parse(fs.readFileSync(path.join(stateFolder(), 'checkpoint-2025-06-15.json'), 'utf8'));
    expect(saved.size).toBe(2);
    const lying: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (!String(input).includes('/api/public/consistency')) return res;
      const body = (await res.json()) as { proof: string[] };
      return new Response(JSON.stringify({ ...body, proof: body.proof.map(() => Buffer.alloc(32, 7).toString('base64')) }), { status: 200 });
    };
    await refused(run({ fetch: lying, previousFile: path.join(stateFolder(), 'checkpoint-2025-06-15.json') }), /^Loggen innehåller inte den tidigare kontrollpunkten/);
  });

  it('refuses a saved checkpoint that was altered', async () => {
    const file = path.join(dir, 'altered.json');
    const saved = JSON.parse(fs.readFileSync(path.join(stateFolder(), 'checkpoint-2025-06-15.json'), 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...saved, size: 3 }));
    await refused(run({ previousFile: file }), /^Den tidigare kontrollpunktens signatur .* stämmer inte/);
  });

  describe('a forked log signed with the same key', () => {
    let fork: HttpApp;

    beforeAll(async () => {
      fork = await HttpApp.start({ env: { DGR_AUDIT_SIGNING_KEY: KEY } });
      await propose(fork, { title: 'Första' });
      await propose(fork, { title: 'Ett annat andra' });
      await propose(fork, { title: 'Tredje' });
      await propose(fork, { title: 'Fjärde' });
      await propose(fork, { title: 'Femte' });
    });

    afterAll(async () => {
      await fork?.dispose();
    });

    const previousFile = () => path.join(stateFolder(), 'checkpoint.json');
    const keyFile = () => path.join(stateFolder(), 'public-key.pem');

    it('verifies its signature, but not that it extends the saved checkpoint', async () => {
      await refused(
        verifyPublic({ url: fork.baseUrl, stateDir: dir, today: '2025-06-15', publicKeyFile: keyFile(), previousFile: previousFile() }),
        /^Loggen innehåller inte den tidigare kontrollpunkten .*: 4 händelser, rot .*\): en händelse har ändrats, tagits bort, lagts till eller flyttats \(en gaffel\)\.$/,
      );
    });

    it('refuses a log shorter than the saved checkpoint', async () => {
      const short = await HttpApp.start({ env: { DGR_AUDIT_SIGNING_KEY: KEY } });
      try {
        await propose(short, { title: 'Bara ett' });
        await refused(
          verifyPublic({ url: short.baseUrl, stateDir: dir, today: '2025-06-15', publicKeyFile: keyFile(), previousFile: previousFile() }),
          /^Loggen har krympt: 1 händelser nu, 4 i den tidigare kontrollpunkten/,
        );
      } finally {
        await short.dispose();
      }
    });
  });

  it('refuses a service whose key is not the pinned one', async () => {
    const other = await HttpApp.start({ env: { DGR_AUDIT_SIGNING_KEY: signingKey() } });
    try {
      await refused(
        verifyPublic({ url: other.baseUrl, stateDir: dir, today: '2025-06-15', publicKeyFile: path.join(stateFolder(), 'public-key.pem') }),
        /^Tjänstens nyckel \(.*\) är inte den fastlåsta/,
      );
    } finally {
      await other.dispose();
    }
  });

  it('says so when the service cannot be reached or is not one', async () => {
    await refused(verifyPublic({ url: 'inte en adress', stateDir: dir, today: '2025-06-15' }), /är ingen adress/);
    await refused(verifyPublic({ url: `${app.baseUrl}/finns-inte`, stateDir: dir, today: '2025-06-15' }), /svarade 404/);
  });

  describe('as the built command (npx dgr verify-public)', () => {
    const DGR = path.join(__dirname, '..', 'bin', 'dgr.js');
    const BUILT = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
    const dgr = (...args: string[]) =>
      promisify(execFile)(process.execPath, [DGR, ...args], { cwd: dir }).then(
        ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
      );

    beforeAll(() => {
      if (!fs.existsSync(BUILT)) throw new Error(`${BUILT} is missing: run npm run build (npm ci does it) before the tests.`);
    });

    it('prints what it verified and OK, or dgr: what failed with exit code 1', async () => {
      const state = path.join(dir, 'built-state');
      const first = await dgr('verify-public', app.baseUrl, '--state', state);
      expect(first).toMatchObject({ code: 0, stderr: '' });
      expect(first.stdout).toMatch(/^Kontrollpunkt från http:\/\/127\.0\.0\.1:\d+: ursprung dgr, 4 händelser, /);
      expect(first.stdout.trim().split('\n').at(-1)).toBe('OK');
      const other = path.join(dir, 'other.pem');
      fs.writeFileSync(other, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
      const refusedRun = await dgr('verify-public', app.baseUrl, '--state', state, '--public-key', other);
      expect(refusedRun.code).toBe(1);
      expect(refusedRun.stdout).toBe('');
      expect(refusedRun.stderr).toMatch(/^dgr: Tjänstens nyckel \(.*\) är inte den fastlåsta/);
      expect(await dgr('verify-public')).toMatchObject({ code: 1, stderr: "dgr: give the service's address: dgr verify-public https://dgr.regionvarmland.se\n" });
    }, 60_000);
  });
});
