import type { CalendarDate } from '../calendar';
import type { Ore } from '../money';
import type { PartyId } from '../parties';
import type { StrategyLink } from '../strategy';
import type { CoFinancingLine } from './initiative.events';

/*
 * Versions of a proposal (issue 15, likalydande beslut). Joint decisions must be identical: a decision is a
 * decision on one exact text, its *decision basis*. Version 1 is the proposal as made; each InitiativeRevised
 * makes the next. Only approvals of the current version count towards consensus.
 */

/** What the councils decide on: the fields a revision may change. `transportProgramme` is not part of it. */
export interface DecisionBasis {
  readonly title: string;
  readonly summary: string;
  readonly requestedAmountOre: Ore;
  readonly strategyLinks: readonly StrategyLink[];
  readonly coFinancing: readonly CoFinancingLine[];
  readonly decisionDeadline: CalendarDate;
}

export const BASIS_FIELDS = ['title', 'summary', 'requestedAmountOre', 'strategyLinks', 'coFinancing', 'decisionDeadline'] as const;
export type BasisField = (typeof BASIS_FIELDS)[number];

/** The decision basis' fields in Swedish, as the web page and the reminder mail name what a revision changed. */
export const BASIS_FIELD_NAMES: Record<BasisField, string> = {
  title: 'titel',
  summary: 'sammanfattning',
  requestedAmountOre: 'sökt belopp',
  strategyLinks: 'strategikopplingar',
  coFinancing: 'medfinansiering',
  decisionDeadline: 'sista beslutsdag',
};

/**
 * The text hash of a decision basis: SHA-256 of its RFC 8785 canonical JSON, base64url. The domain has no
 * hashing (it is pure and imports nothing), so the application hands the one implementation to the deciders
 * that need it (ADR 0015).
 */
export type TextHasher = (basis: DecisionBasis) => string;

/** One version of the proposal. */
export interface ProposalVersion {
  readonly version: number;
  readonly basis: DecisionBasis;
  /** As recorded by the revision; null for version 1 (the proposal event has none: computed on read, ADR 0015). */
  readonly textHash: string | null;
  /** null for version 1 (it is the proposal, of `proposedOn`). */
  readonly revisedOn: CalendarDate | null;
  readonly revisedAt: string | null;
  readonly reason: string | null;
  /** The fields this version changed, in BASIS_FIELDS order; empty for version 1. */
  readonly changes: readonly BasisField[];
}

/** The parts of the state this module reads (kept structural so state and events stay in their own files). */
interface Versioned extends DecisionBasis {
  readonly proposedOn: CalendarDate;
  readonly versions?: readonly ProposalVersion[];
}

export const basisOf = (s: DecisionBasis): DecisionBasis => ({
  title: s.title,
  summary: s.summary,
  requestedAmountOre: s.requestedAmountOre,
  strategyLinks: s.strategyLinks,
  coFinancing: s.coFinancing,
  decisionDeadline: s.decisionDeadline,
});

/** Every version, oldest first; an initiative never revised has version 1 only (its current fields). */
export const versionsOf = (s: Versioned): readonly ProposalVersion[] =>
  s.versions ?? [{ version: 1, basis: basisOf(s), textHash: null, revisedOn: null, revisedAt: null, reason: null, changes: [] }];

export const currentVersionOf = (s: Versioned): number => s.versions?.length ?? 1;

export const versionOf = (s: Versioned, version: number): ProposalVersion | null => versionsOf(s)[version - 1] ?? null;

/** The version in force on a day: the last one revised on or before it (version 1 from the start). */
export const versionAsOf = (s: Versioned, asOf: CalendarDate): number => {
  let current = 1;
  for (const v of versionsOf(s)) if (v.revisedOn === null || v.revisedOn <= asOf) current = v.version;
  return current;
};

/** Structural equality of plain JSON values (key order ignored: the store may hand back sorted keys). */
export const sameValue = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bs = b as unknown[];
    return a.length === bs.length && a.every((x, i) => sameValue(x, bs[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra).filter((k) => ra[k] !== undefined);
  const kb = Object.keys(rb).filter((k) => rb[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => sameValue(ra[k], rb[k]));
};

/** The fields whose values differ, in BASIS_FIELDS order. */
export const changedFields = (before: DecisionBasis, after: DecisionBasis): BasisField[] =>
  BASIS_FIELDS.filter((f) => !sameValue(before[f], after[f]));

/** Why a decision does not count towards consensus because of its version; null when it is on `current`. */
export type VersionReason = 'earlier-version';

/** A decision's version (absent in decisions recorded before versions existed: version 1). */
export const proposalVersionOfDecision = (d: { readonly proposalVersion?: number }): number => d.proposalVersion ?? 1;

/** A party whose decision is on an earlier version than the one in force: it must decide again. */
export interface MustDecideAgain {
  readonly party: PartyId;
  readonly decidedVersion: number;
  readonly currentVersion: number;
  readonly outcome: 'approved' | 'rejected';
}
