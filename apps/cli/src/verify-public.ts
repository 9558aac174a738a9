/**
 * `dgr verify-public URL` (docs/public.md): checks the service's published checkpoint from outside, with no
 * store and no token. It fetches GET /api/public/checkpoint, checks its Ed25519 signature against a pinned
 * public key (`--public-key FILE`, or the key saved in the state folder on first use), and checks that the
 * log extends the checkpoint saved at the previous run (or `--previous FILE`) with a consistency proof from
 * GET /api/public/consistency, verified here against the two signed roots. On success the new checkpoint is
 * saved as the one to compare with next time.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCheckpoint, verifyCheckpointSignature, verifyConsistency, type Checkpoint } from '@dgr/audit';

/** The service could not be checked, or it failed a check: one line for the user, exit code 1. */
export class VerifyPublicError extends Error {}

export interface VerifyPublicOptions {
  /** The service's address (`https://dgr.regionvarmland.se`). */
  readonly url: string;
  /** A PEM file with the public key to pin; else the key saved in `stateDir` on first use. */
  readonly publicKeyFile?: string;
  /** A saved checkpoint to check the log against instead of the one saved in `stateDir`. */
  readonly previousFile?: string;
  /** Where the pinned key and the last verified checkpoint are kept (default `.dgr-public`), a folder per service. */
  readonly stateDir?: string;
  /** Today, for the name of the saved copy (`checkpoint-YYYY-MM-DD.json`). */
  readonly today: string;
  readonly fetch?: typeof fetch;
}

export interface VerifyPublicResult {
  readonly checkpoint: Checkpoint;
  /** What was verified, one line each, in Swedish. */
  readonly lines: readonly string[];
}

/** SHA-256 of the key's DER (SPKI), in hex: what to compare with the fingerprint Region Värmland publishes. */
export const keyFingerprint = (key: KeyObject): string =>
  createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex').replace(/(..)(?!$)/g, '$1:');

const folderOf = (base: string, stateDir: string): string => {
  const url = new URL(base);
  return join(stateDir, `${url.hostname}${url.port ? `_${url.port}` : ''}${url.pathname.replace(/\/+$/, '').replace(/[^A-Za-z0-9.-]/g, '_')}`);
};

const readJson = async (fetcher: typeof fetch, url: string): Promise<unknown> => {
  let res: Response;
  try {
    res = await fetcher(url, { headers: { accept: 'application/json' } });
  } catch (e) {
    throw new VerifyPublicError(`Kunde inte hämta ${url}: ${(e as Error).message}`);
  }
  const text = await res.text();
  if (res.status !== 200) throw new VerifyPublicError(`${url} svarade ${res.status}: ${text.slice(0, 300)}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new VerifyPublicError(`${url} svarade inte med JSON`);
  }
};

const readKey = (pem: string, where: string): KeyObject => {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (e) {
    throw new VerifyPublicError(`${where} är ingen publik nyckel i PEM-format: ${(e as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new VerifyPublicError(`${where} är ingen Ed25519-nyckel`);
  return key;
};

const readCheckpointFile = (file: string): Checkpoint => {
  try {
    return parseCheckpoint(JSON.parse(readFileSync(file, 'utf8')));
  } catch (e) {
    throw new VerifyPublicError(`${file} är ingen kontrollpunkt: ${(e as Error).message}`);
  }
};

const same = (a: KeyObject, b: KeyObject): boolean => a.export({ type: 'spki', format: 'der' }).equals(b.export({ type: 'spki', format: 'der' }));

export const verifyPublic = async (options: VerifyPublicOptions): Promise<VerifyPublicResult> => {
  const fetcher = options.fetch ?? fetch;
  let base: string;
  try {
    base = new URL(options.url).toString().replace(/\/+$/, '');
  } catch {
    throw new VerifyPublicError(`"${options.url}" är ingen adress; ange tjänstens adress, t.ex. https://dgr.regionvarmland.se`);
  }
  const folder = folderOf(base, options.stateDir ?? '.dgr-public');
  const keyFile = join(folder, 'public-key.pem');
  const lastFile = join(folder, 'checkpoint.json');
  const lines: string[] = [];

  const answer = (await readJson(fetcher, `${base}/api/public/checkpoint`)) as Record<string, unknown>;
  let checkpoint: Checkpoint;
  try {
    checkpoint = parseCheckpoint(answer);
  } catch (e) {
    throw new VerifyPublicError(`Tjänstens kontrollpunkt går inte att läsa: ${(e as Error).message}`);
  }
  lines.push(`Kontrollpunkt från ${base}: ursprung ${checkpoint.origin}, ${checkpoint.size} händelser, rot ${checkpoint.root}, senast registrerat ${checkpoint.at ?? '–'}.`);

  // The pinned key: given, or saved on first use; the served key must be the same.
  const served = typeof answer.publicKeyPem === 'string' ? readKey(answer.publicKeyPem, 'Tjänstens nyckel') : null;
  let pinned: KeyObject;
  let firstUse = false;
  if (options.publicKeyFile !== undefined) {
    if (!existsSync(options.publicKeyFile)) throw new VerifyPublicError(`Nyckelfilen ${options.publicKeyFile} finns inte`);
    pinned = readKey(readFileSync(options.publicKeyFile, 'utf8'), options.publicKeyFile);
  } else if (existsSync(keyFile)) {
    pinned = readKey(readFileSync(keyFile, 'utf8'), keyFile);
  } else {
    if (!served) throw new VerifyPublicError('Tjänsten anger ingen publik nyckel och ingen är sparad; ange --public-key FIL');
    pinned = served;
    firstUse = true;
  }
  if (served && !same(served, pinned))
    throw new VerifyPublicError(
      `Tjänstens nyckel (${keyFingerprint(served)}) är inte den fastlåsta (${keyFingerprint(pinned)}): nyckeln har bytts eller svaret är förfalskat. Fråga Region Värmland innan du litar på den nya.`,
    );
  if (!verifyCheckpointSignature(checkpoint, pinned))
    throw new VerifyPublicError(`Kontrollpunktens signatur stämmer inte med nyckeln ${keyFingerprint(pinned)}: kontrollpunkten är ändrad eller inte signerad av tjänsten.`);
  lines.push(
    `Signaturen (Ed25519) stämmer med nyckeln ${keyFingerprint(pinned)}${
      firstUse ? ' – första gången: nyckeln sparas nu; jämför fingeravtrycket med det Region Värmland publicerat' : options.publicKeyFile ? ` (${options.publicKeyFile})` : ` (sparad i ${keyFile})`
    }.`,
  );

  // Consistency with the previous checkpoint.
  const previousFile = options.previousFile ?? (existsSync(lastFile) ? lastFile : undefined);
  if (previousFile === undefined) lines.push('Ingen tidigare kontrollpunkt att jämföra med: den här sparas för nästa gång.');
  else {
    if (!existsSync(previousFile)) throw new VerifyPublicError(`Filen ${previousFile} finns inte`);
    const previous = readCheckpointFile(previousFile);
    if (!verifyCheckpointSignature(previous, pinned))
      throw new VerifyPublicError(`Den tidigare kontrollpunktens signatur (${previousFile}) stämmer inte med nyckeln ${keyFingerprint(pinned)}.`);
    if (previous.origin !== checkpoint.origin)
      throw new VerifyPublicError(`Den tidigare kontrollpunkten gäller loggen ${previous.origin}, inte ${checkpoint.origin}.`);
    if (checkpoint.size < previous.size)
      throw new VerifyPublicError(
        `Loggen har krympt: ${checkpoint.size} händelser nu, ${previous.size} i den tidigare kontrollpunkten (${previousFile}). Händelser har tagits bort eller loggen är en annan (en gaffel).`,
      );
    if (checkpoint.size === previous.size) {
      if (checkpoint.root !== previous.root)
        throw new VerifyPublicError(`Loggen har ${checkpoint.size} händelser som förut men en annan rot (${checkpoint.root}, förut ${previous.root}): loggen har skrivits om (en gaffel).`);
      lines.push(`Samma logg som i den tidigare kontrollpunkten (${previousFile}): ${previous.size} händelser, samma rot.`);
    } else if (previous.size === 0) {
      lines.push(`Den tidigare kontrollpunkten (${previousFile}) gällde en tom logg; loggen har nu ${checkpoint.size} händelser.`);
    } else {
      const proofUrl = `${base}/api/public/consistency?size1=${previous.size}&size2=${checkpoint.size}`;
      const proof = (await readJson(fetcher, proofUrl)) as { proof?: unknown };
      const hashes = Array.isArray(proof.proof) && proof.proof.every((h) => typeof h === 'string') ? (proof.proof as string[]).map((h) => Buffer.from(h, 'base64')) : null;
      if (!hashes) throw new VerifyPublicError(`${proofUrl} svarade utan ett konsistensbevis`);
      if (!verifyConsistency(previous.size, checkpoint.size, hashes, Buffer.from(previous.root, 'base64'), Buffer.from(checkpoint.root, 'base64')))
        throw new VerifyPublicError(
          `Loggen innehåller inte den tidigare kontrollpunkten (${previousFile}: ${previous.size} händelser, rot ${previous.root}): en händelse har ändrats, tagits bort, lagts till eller flyttats (en gaffel).`,
        );
      lines.push(`Loggen innehåller den tidigare kontrollpunkten oförändrad (${previousFile}: ${previous.size} händelser) och har vuxit med ${checkpoint.size - previous.size} (konsistensbevis, RFC 6962).`);
    }
  }

  mkdirSync(folder, { recursive: true });
  if (firstUse) writeFileSync(keyFile, pinned.export({ type: 'spki', format: 'pem' }).toString());
  const text = `${JSON.stringify({ origin: checkpoint.origin, size: checkpoint.size, root: checkpoint.root, at: checkpoint.at, signature: checkpoint.signature }, null, 2)}\n`;
  writeFileSync(lastFile, text);
  writeFileSync(join(folder, `checkpoint-${options.today}.json`), text);
  lines.push(`Sparad: ${lastFile} (och ${join(folder, `checkpoint-${options.today}.json`)}).`);
  lines.push('OK');
  return { checkpoint, lines };
};
