import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  attachDecisionEvidence,
  checkEvidenceFile,
  EVIDENCE_MEDIA_TYPE,
  initiativeStream,
  NoDecisionRegistered,
  type PartyId,
} from '@dgr/domain';
import type { BlobStore } from '@dgr/blob-store';
import { initiativeFold } from '../folds';
import { WriteCommand, type Recorded } from '../request-context';
import { StreamWriter } from '../stream-writer';
import { BLOB_STORE } from '../tokens';

/** A party's minutes extract, as the request carried it: the bytes themselves. */
export class AttachDecisionEvidenceCommand extends WriteCommand<{
  readonly initiativeId: string;
  readonly party: PartyId;
  readonly file: Uint8Array;
}> {}

/** Where the event landed, and the file's hash (lowercase hex) and size as recorded. */
export interface EvidenceAttached extends Recorded {
  readonly sha256: string;
  readonly bytes: number;
}

/**
 * The file first, then the event (docs/evidence.md): the bytes are checked (a PDF by its magic bytes, at most
 * 10 MiB), the initiative and the party's decision must exist, the file is stored durably under its hash, and
 * only then is `DecisionEvidenceAttached` appended. A crash in between leaves a file without an event (an orphan:
 * never served, harmless), never an event without its file. The decider checks the decision again on the state
 * it appends to.
 */
@CommandHandler(AttachDecisionEvidenceCommand)
export class AttachDecisionEvidenceHandler implements ICommandHandler<AttachDecisionEvidenceCommand, EvidenceAttached> {
  constructor(
    private readonly writer: StreamWriter,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
  ) {}

  async execute({ data, context, retryKey }: AttachDecisionEvidenceCommand): Promise<EvidenceAttached> {
    const { initiativeId, party, file } = data;
    checkEvidenceFile(file);
    // Refused requests store nothing: the initiative and the decision are checked before the file is written.
    const stream = initiativeStream(initiativeId);
    await this.writer.requireInitiative(initiativeId);
    const { state } = await this.writer.load(stream, initiativeFold);
    if (!state?.decisions.has(party)) throw new NoDecisionRegistered(party);
    const stored = await this.blobs.put(file);
    const recorded = await this.writer.decide(stream, initiativeFold, (s, now) =>
      attachDecisionEvidence(
        { type: 'AttachDecisionEvidence', data: { initiativeId, party, sha256: stored.sha256, bytes: stored.bytes, mediaType: EVIDENCE_MEDIA_TYPE }, metadata: { now } },
        s,
      ), { context, retryKey });
    return { ...recorded, sha256: stored.sha256, bytes: stored.bytes };
  }
}

export const EVIDENCE_HANDLERS = [AttachDecisionEvidenceHandler];
