import { Inject, Injectable } from '@nestjs/common';
import { DomainError, partyName, type DecisionEvidence, type PartyId } from '@dgr/domain';
import { sha256Hex, type BlobStore } from '@dgr/blob-store';
import { BLOB_STORE } from '../tokens';

export class NoEvidence extends DomainError {
  readonly kind = 'not-found';
  readonly code = 'no-evidence';
  readonly title = 'Inget protokollsutdrag';
  constructor(readonly party: PartyId) {
    super(`${partyName(party)}s beslut har inget bifogat protokollsutdrag i detta initiativ.`);
  }
}

/** The recorded file is missing from the blob store or was altered there: an operations fault (500, logged). */
export class EvidenceFileDamaged extends Error {
  constructor(readonly sha256: string, problem: 'missing' | 'altered', location: string) {
    super(`the evidence file ${sha256} is ${problem} in ${location} (dgr verify reports it)`);
    this.name = 'EvidenceFileDamaged';
  }
}

/**
 * Reads a recorded evidence file and checks it against its recorded hash before anyone gets it: a file that
 * was changed in the blob directory is never served as the evidence the log names.
 */
@Injectable()
export class EvidenceFiles {
  constructor(@Inject(BLOB_STORE) private readonly blobs: BlobStore) {}

  async read(party: PartyId, evidence: DecisionEvidence | null | undefined): Promise<Buffer> {
    if (!evidence) throw new NoEvidence(party);
    const bytes = await this.blobs.get(evidence.sha256);
    if (!bytes) throw new EvidenceFileDamaged(evidence.sha256, 'missing', this.blobs.location);
    if (bytes.length !== evidence.bytes || sha256Hex(bytes) !== evidence.sha256)
      throw new EvidenceFileDamaged(evidence.sha256, 'altered', this.blobs.location);
    return bytes;
  }
}
