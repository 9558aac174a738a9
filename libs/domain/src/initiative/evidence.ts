/**
 * Evidence behind a decision: the minutes extract (protokollsutdrag) of the party's council, a PDF. The log
 * records the file's SHA-256 and size, never its bytes; the bytes are in the content-addressed blob store
 * (libs/blob-store), written before the event. Grouped in this one file (event, command, decider, errors).
 */
import { DomainError, InvalidInput } from '../errors';
import { isPartyId, type PartyId } from '../parties';
import type { Command } from './initiative.commands';
import { InitiativeNotFound, NoDecisionRegistered } from './initiative.errors';
import type { InitiativeState } from './initiative.state';

/** The one kind of file accepted as evidence. */
export const EVIDENCE_MEDIA_TYPE = 'application/pdf';
/** The largest evidence file: 10 MiB. */
export const EVIDENCE_MAX_BYTES = 10 * 1024 * 1024;

/**
 * A party's evidence for its decision: the file's SHA-256 (lowercase hex, 64 characters) and size. Attaching
 * again replaces it (a new event; the history keeps both). `attachedAt` is the recording time (ISO instant).
 */
export interface DecisionEvidenceAttached {
  readonly type: 'DecisionEvidenceAttached';
  readonly data: {
    readonly initiativeId: string;
    readonly party: PartyId;
    readonly sha256: string;
    readonly bytes: number;
    readonly mediaType: typeof EVIDENCE_MEDIA_TYPE;
    readonly attachedAt: string;
  };
}

/** The evidence of a party's current decision, as the state keeps it. */
export interface DecisionEvidence {
  readonly sha256: string;
  readonly bytes: number;
  readonly mediaType: string;
  readonly attachedAt: string;
}

export type AttachDecisionEvidence = Command<
  'AttachDecisionEvidence',
  { initiativeId: string; party: PartyId; sha256: string; bytes: number; mediaType: string }
>;

/** Whether the bytes begin as a PDF does (`%PDF-`): the file's content decides, not its name or declared type. */
export const looksLikePdf = (bytes: Uint8Array): boolean =>
  bytes.length >= 5 && bytes[0] === 0x25 && bytes[1] === 0x50 && bytes[2] === 0x44 && bytes[3] === 0x46 && bytes[4] === 0x2d;

export class EvidenceTooLarge extends DomainError {
  readonly kind = 'too-large';
  readonly code = 'evidence-too-large';
  readonly title = 'Filen är för stor';
  constructor(readonly bytes: number | null) {
    super(
      `Protokollsutdraget får vara högst ${EVIDENCE_MAX_BYTES / (1024 * 1024)} MiB (${EVIDENCE_MAX_BYTES} byte)${bytes === null ? '' : `; filen är ${bytes} byte`}.`,
    );
  }
}

export class EvidenceNotPdf extends DomainError {
  readonly kind = 'unsupported-media-type';
  readonly code = 'evidence-not-pdf';
  readonly title = 'Filen är ingen PDF';
  constructor() {
    super('Protokollsutdraget ska vara en PDF-fil (innehållet ska börja med %PDF-), skickad med Content-Type: application/pdf.');
  }
}

/**
 * Checks an evidence file's bytes before they are stored: not empty, at most EVIDENCE_MAX_BYTES, a PDF by its
 * magic bytes. Pure; the caller stores the bytes afterwards and decides with their hash.
 */
export const checkEvidenceFile = (bytes: Uint8Array): void => {
  if (bytes.length > EVIDENCE_MAX_BYTES) throw new EvidenceTooLarge(bytes.length);
  if (!looksLikePdf(bytes)) throw new EvidenceNotPdf();
};

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/**
 * Attaches (or replaces) the evidence of a party's registered decision. Also after a cancellation: the minutes
 * are a fact about a decision taken, like justering and anslag.
 */
export const attachDecisionEvidence = (cmd: AttachDecisionEvidence, state: InitiativeState): DecisionEvidenceAttached => {
  const d = cmd.data;
  if (!state) throw new InitiativeNotFound(d.initiativeId);
  if (!isPartyId(d.party)) throw new InvalidInput('party', `Okänd part: ${String(d.party)}.`);
  if (!state.decisions.has(d.party)) throw new NoDecisionRegistered(d.party);
  if (typeof d.sha256 !== 'string' || !HEX_SHA256.test(d.sha256))
    throw new InvalidInput('sha256', 'Filens SHA-256 ska anges med 64 små hexadecimala tecken.');
  if (!Number.isSafeInteger(d.bytes) || d.bytes <= 0) throw new InvalidInput('bytes', 'Filens storlek ska vara ett positivt heltal (byte).');
  if (d.bytes > EVIDENCE_MAX_BYTES) throw new EvidenceTooLarge(d.bytes);
  if (d.mediaType !== EVIDENCE_MEDIA_TYPE) throw new EvidenceNotPdf();
  return {
    type: 'DecisionEvidenceAttached',
    data: {
      initiativeId: state.id,
      party: d.party,
      sha256: d.sha256,
      bytes: d.bytes,
      mediaType: EVIDENCE_MEDIA_TYPE,
      attachedAt: cmd.metadata.now,
    },
  };
};

