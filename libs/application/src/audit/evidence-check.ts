import { createHash } from 'node:crypto';
import { partyName, isPartyId } from '@dgr/domain';
import type { BlobStore } from '@dgr/blob-store';

/**
 * Every evidence file the log names (`DecisionEvidenceAttached`, docs/evidence.md) must be in the blob store
 * with exactly the bytes it names: `dgr verify` and GET /api/audit/verify re-hash each one. A file missing or
 * altered is reported like the other findings, by the position of the event that names it.
 */
export interface EvidenceReference {
  readonly position: number;
  readonly stream: string;
  readonly revision: number;
  readonly initiativeId: string;
  readonly party: string;
  readonly sha256: string;
  readonly bytes: number;
}

export interface EvidenceProblem extends EvidenceReference {
  readonly problem: 'missing' | 'altered';
  /** What is wrong, in Swedish. */
  readonly description: string;
}

/** Collects the evidence references of a log read in order (add every event; the others are ignored). */
export class EvidenceReferences {
  private readonly found: EvidenceReference[] = [];

  add(event: { position: number; stream: string; revision: number; type: string; data: unknown }): void {
    if (event.type !== 'DecisionEvidenceAttached') return;
    const data = (event.data ?? {}) as Record<string, unknown>;
    this.found.push({
      position: event.position,
      stream: event.stream,
      revision: event.revision,
      initiativeId: String(data.initiativeId),
      party: String(data.party),
      sha256: String(data.sha256),
      bytes: Number(data.bytes),
    });
  }

  all(): readonly EvidenceReference[] {
    return this.found;
  }
}

const describe = (ref: EvidenceReference, problem: EvidenceProblem['problem'], where: string): string => {
  const whose = isPartyId(ref.party) ? `${partyName(ref.party)}s` : `partens ${ref.party}`;
  return problem === 'missing'
    ? `${whose} protokollsutdrag (SHA-256 ${ref.sha256}, ${ref.bytes} byte) saknas i ${where}`
    : `${whose} protokollsutdrag (SHA-256 ${ref.sha256}) i ${where} har ändrats: innehållet stämmer inte längre med hashen i loggen`;
};

/** The problem of one reference, given the bytes the store holds under its name (null: none). */
export const evidenceProblemOf = (ref: EvidenceReference, bytes: Uint8Array | null, where: string): EvidenceProblem | null => {
  if (bytes === null) return { ...ref, problem: 'missing', description: describe(ref, 'missing', where) };
  const hash = createHash('sha256').update(bytes).digest('hex');
  if (hash !== ref.sha256 || bytes.byteLength !== ref.bytes) return { ...ref, problem: 'altered', description: describe(ref, 'altered', where) };
  return null;
};

/** Checks every reference, reading each file once (`read` answers null for a file it does not have). */
export const checkEvidenceFilesSync = (refs: readonly EvidenceReference[], read: (sha256: string) => Uint8Array | null, where: string): EvidenceProblem[] => {
  const problems: EvidenceProblem[] = [];
  const bySha = new Map<string, Uint8Array | null>();
  for (const ref of refs) {
    if (!bySha.has(ref.sha256)) bySha.set(ref.sha256, safeRead(read, ref.sha256));
    const problem = evidenceProblemOf(ref, bySha.get(ref.sha256) ?? null, where);
    if (problem) problems.push(problem);
  }
  return problems;
};

/** The same over any BlobStore adapter (GET /api/audit/verify). */
export const checkEvidenceFiles = async (refs: readonly EvidenceReference[], blobs: BlobStore): Promise<EvidenceProblem[]> => {
  const problems: EvidenceProblem[] = [];
  for (const ref of refs) {
    let bytes: Uint8Array | null;
    try {
      bytes = await blobs.get(ref.sha256);
    } catch {
      bytes = null;
    }
    const problem = evidenceProblemOf(ref, bytes, blobs.location);
    if (problem) problems.push(problem);
  }
  return problems;
};

const safeRead = (read: (sha256: string) => Uint8Array | null, sha256: string): Uint8Array | null => {
  try {
    return read(sha256);
  } catch {
    return null;
  }
};
