import { InvalidInput } from '../errors';
import { approvedBy, cancelled, decisionCorrected, initiativeSpec, INITIATIVE_ID, KARLSTAD, KIL, NOW, proposed } from '../testing/fixtures';
import {
  attachDecisionEvidence,
  checkEvidenceFile,
  EVIDENCE_MAX_BYTES,
  EvidenceNotPdf,
  EvidenceTooLarge,
  looksLikePdf,
  type AttachDecisionEvidence,
  type DecisionEvidenceAttached,
} from './evidence';
import { InitiativeNotFound, NoDecisionRegistered } from './initiative.errors';
import { foldInitiative } from './initiative.state';
import type { PartyId } from '../parties';

const SHA = 'ab'.repeat(32);
const OTHER_SHA = 'cd'.repeat(32);

const attachCmd = (party: PartyId, data: Partial<AttachDecisionEvidence['data']> = {}): AttachDecisionEvidence => ({
  type: 'AttachDecisionEvidence',
  data: { initiativeId: INITIATIVE_ID, party, sha256: SHA, bytes: 1234, mediaType: 'application/pdf', ...data },
  metadata: { now: NOW },
});

const attached = (party: PartyId, data: Partial<DecisionEvidenceAttached['data']> = {}): DecisionEvidenceAttached => ({
  type: 'DecisionEvidenceAttached',
  data: { initiativeId: INITIATIVE_ID, party, sha256: SHA, bytes: 1234, mediaType: 'application/pdf', attachedAt: NOW, ...data },
});

describe('attachDecisionEvidence', () => {
  const spec = initiativeSpec(attachDecisionEvidence);

  it("records the file's hash and size for a party's registered decision, never its bytes", () => {
    spec([proposed(), approvedBy(KARLSTAD, '2026-05-01')]).when(attachCmd(KARLSTAD)).then([attached(KARLSTAD)]);
  });

  it('records a new file after an earlier one (a new event: the history keeps both)', () => {
    spec([proposed(), approvedBy(KARLSTAD, '2026-05-01'), attached(KARLSTAD)])
      .when(attachCmd(KARLSTAD, { sha256: OTHER_SHA, bytes: 99 }))
      .then([attached(KARLSTAD, { sha256: OTHER_SHA, bytes: 99 })]);
  });

  it('also after a cancellation: the minutes are a fact about a decision taken', () => {
    spec([proposed(), approvedBy(KARLSTAD, '2026-05-01'), cancelled('2026-06-01')]).when(attachCmd(KARLSTAD)).then([attached(KARLSTAD)]);
  });

  it('refuses evidence for a party without a decision, and for an unknown initiative', () => {
    spec([proposed(), approvedBy(KARLSTAD, '2026-05-01')]).when(attachCmd(KIL)).thenThrows(NoDecisionRegistered);
    spec([]).when(attachCmd(KARLSTAD)).thenThrows(InitiativeNotFound);
  });

  it('refuses a hash that is not 64 lowercase hex characters, a size out of range, another media type', () => {
    const given = [proposed(), approvedBy(KARLSTAD, '2026-05-01')];
    spec(given).when(attachCmd(KARLSTAD, { sha256: SHA.toUpperCase() })).thenThrows(InvalidInput);
    spec(given).when(attachCmd(KARLSTAD, { bytes: 0 })).thenThrows(InvalidInput);
    spec(given).when(attachCmd(KARLSTAD, { bytes: EVIDENCE_MAX_BYTES + 1 })).thenThrows(EvidenceTooLarge);
    spec(given).when(attachCmd(KARLSTAD, { mediaType: 'image/png' })).thenThrows(EvidenceNotPdf);
  });
});

describe('the evidence in the state', () => {
  it('is the last file attached, and stays through a correction of the decision', () => {
    const state = foldInitiative([
      proposed(),
      approvedBy(KARLSTAD, '2026-05-01'),
      attached(KARLSTAD),
      attached(KARLSTAD, { sha256: OTHER_SHA, bytes: 7 }),
      decisionCorrected(KARLSTAD),
    ]);
    expect(state!.decisions.get(KARLSTAD)!.evidence).toEqual({ sha256: OTHER_SHA, bytes: 7, mediaType: 'application/pdf', attachedAt: NOW });
  });

  it('is absent from a decision without evidence (older logs fold to the state they always did)', () => {
    const state = foldInitiative([proposed(), approvedBy(KARLSTAD, '2026-05-01')]);
    expect('evidence' in state!.decisions.get(KARLSTAD)!).toBe(false);
  });
});

describe('checkEvidenceFile', () => {
  it('accepts a PDF by its first bytes, whatever follows', () => {
    expect(() => checkEvidenceFile(Buffer.from('%PDF-1.7\n...'))).not.toThrow();
    expect(looksLikePdf(Buffer.from('%PDF-'))).toBe(true);
  });

  it('refuses anything else, also a near miss, and an empty file', () => {
    for (const text of ['', '%PDF', '%pdf-1.7', ' %PDF-1.7', 'PK\u0003\u0004', '<html>'])
      expect(() => checkEvidenceFile(Buffer.from(text))).toThrow(EvidenceNotPdf);
  });

  it('refuses a file over 10 MiB and takes one of exactly 10 MiB', () => {
    const exact = Buffer.alloc(EVIDENCE_MAX_BYTES, 0x20);
    exact.write('%PDF-1.7');
    expect(() => checkEvidenceFile(exact)).not.toThrow();
    expect(() => checkEvidenceFile(Buffer.concat([exact, Buffer.from(' ')]))).toThrow(EvidenceTooLarge);
  });
});
