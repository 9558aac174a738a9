import { createHash } from 'node:crypto';
import {
  basisOf,
  DomainError,
  currentVersionOf,
  mustDecideAgainAsOf,
  partyName,
  proposalVersionOfDecision,
  versionAsOf,
  versionsOf,
  type CalendarDate,
  type DecisionBasis,
  type Initiative,
  type PartyDecision,
  type ProposalVersion,
  type TextHasher,
} from '@dgr/domain';
import { canonicalJson } from '@dgr/event-store';

/**
 * The hashes computed, by the basis' JSON (a memo: a version-1 initiative has no recorded hash, and one initiative's
 * answer named it ~19 times, each a canonical form and a SHA-256: ~0.45 ms of CPU per request at 1,000,000 events).
 */
const TEXT_HASHES_CAPACITY = 4096;
const textHashes = new Map<string, string>();

/**
 * The text hash of a decision basis (issue 15, ADR 0015): SHA-256 of its RFC 8785 canonical JSON, base64url.
 * The one implementation: the deciders are handed it, and every view that names a version shows it.
 */
export const textHashOf: TextHasher = (basis: DecisionBasis): string => {
  const b = basisOf(basis);
  // Equal JSON is an equal value, so an equal canonical form and hash: the memo's key is the cheap native form.
  const key = JSON.stringify(b);
  let hash = textHashes.get(key);
  if (hash === undefined) {
    hash = createHash('sha256').update(canonicalJson(b)).digest('base64url');
    if (textHashes.size >= TEXT_HASHES_CAPACITY) textHashes.clear();
    textHashes.set(key, hash);
  }
  return hash;
};

/** A version's hash: as its revision recorded it, or (version 1, whose event has none) computed from its text. */
export const versionHashOf = (v: ProposalVersion): string => v.textHash ?? textHashOf(v.basis);

/** One version as the API lists it (without its full text: GET …/versions/:n). */
export const versionSummaryOf = (v: ProposalVersion, proposedOn: CalendarDate) => ({
  version: v.version,
  textHash: versionHashOf(v),
  revisedOn: v.revisedOn ?? proposedOn,
  reason: v.reason,
  changes: v.changes,
});

/** The versions in force by `asOf`, oldest first, and the current one (the last of them). */
export const versionsView = (i: Initiative, asOf: CalendarDate) => {
  const inForce = versionAsOf(i, asOf);
  const versions = versionsOf(i).filter((v) => v.version <= inForce);
  const current = versions[versions.length - 1]!;
  return {
    version: current.version,
    textHash: versionHashOf(current),
    versions: versions.map((v) => versionSummaryOf(v, i.proposedOn)),
    mustDecideAgain: mustDecideAgainAsOf(i, asOf).map((m) => ({ ...m, partyName: partyName(m.party) })),
  };
};

/** A version's full text, or null when there is no such version (yet) by `asOf`. */
export const versionTextOf = (i: Initiative, version: number, asOf: CalendarDate) => {
  if (version > versionAsOf(i, asOf)) return null;
  const v = versionsOf(i)[version - 1];
  if (!v) return null;
  return { ...versionSummaryOf(v, i.proposedOn), current: version === currentVersionOf(i), ...v.basis };
};

/** A decision's version fields as the API shows them; `inForce` is the version in force on the day asked. */
export const decisionVersionOf = (i: Initiative, d: PartyDecision, inForce: number) => {
  const proposalVersion = proposalVersionOfDecision(d);
  const v = versionsOf(i)[proposalVersion - 1];
  return {
    proposalVersion,
    textHash: d.textHash ?? (v ? versionHashOf(v) : null),
    onCurrentVersion: proposalVersion === inForce,
  };
};

export class ProposalVersionNotFound extends DomainError {
  readonly kind = 'not-found';
  readonly code = 'proposal-version-not-found';
  readonly title = 'Versionen finns inte';
  constructor(
    readonly initiativeId: string,
    readonly version: number,
  ) {
    super(`Förslaget har ingen version ${version}.`);
  }
}
