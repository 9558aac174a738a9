import { isCalendarDate, lastDayOfYear, stockholmDateOf, yearOf, type CalendarDate } from '../calendar';
import { DateNotAllowed, InvalidInput } from '../errors';
import { isOre } from '../money';
import { isPartyId } from '../parties';
import { strategyLinkProblem, type StrategyLink } from '../strategy';
import type {
  CancelInitiative,
  CorrectPartyDecision,
  DecideAppeal,
  LodgeAppeal,
  RecordDecisionMinutes,
  PrepareInitiative,
  ProposeInitiative,
  RegisterPartyDecision,
  ReportOutcome,
  ReviseInitiative,
} from './initiative.commands';
import type {
  CoFinancingLine,
  AppealDecided,
  AppealLodged,
  DecisionFacts,
  DecisionMinutesRecorded,
  InitiativeCancelled,
  InitiativePrepared,
  InitiativeProposed,
  OutcomeReported,
  PartyDecisionCorrected,
  PartyDecisionRegistered,
  DecidedVersion,
  InitiativeRevised,
} from './initiative.events';
import {
  AppealAlreadyDecided,
  AppealAlreadyLodged,
  AppealNotFound,
  CorrectionChangesNothing,
  DecisionAlreadyRegistered,
  InitiativeAlreadyCancelled,
  InitiativeAlreadyExists,
  InitiativeAlreadyGranted,
  InitiativeCancelledError,
  InitiativeNotFound,
  MinutesAlreadyRecorded,
  MinutesChangeNothing,
  NoDecisionRegistered,
  NoDecisionToCorrect,
  ProposalRevised,
  RevisionAfterGrant,
  RevisionChangesNothing,
} from './initiative.errors';
import {
  basisOf,
  changedFields,
  currentVersionOf,
  proposalVersionOfDecision,
  versionOf,
  versionsOf,
  type DecisionBasis,
  type TextHasher,
} from './proposal-versions';
import { reservedOreOf, type Initiative, type InitiativeState, type PartyDecision } from './initiative.state';

/*
 * Each decider takes a command and the current state and returns the events to record,
 * or throws a DomainError. Pure: the time comes in the command's metadata.
 */

const requireText = (field: string, value: unknown): string => {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidInput(field, `${field} får inte vara tomt.`);
  return value.trim();
};

const requireDate = (field: string, value: unknown): CalendarDate => {
  if (!isCalendarDate(value)) throw new InvalidInput(field, `${field} måste vara ett datum på formen ÅÅÅÅ-MM-DD.`);
  return value;
};

const optionalText = (value: string | null | undefined): string | null =>
  value === undefined || value === null || value.trim() === '' ? null : value.trim();

const notInTheFuture = (field: string, date: CalendarDate, now: string): void => {
  const today = stockholmDateOf(now);
  if (date > today) throw new DateNotAllowed(`${field} ${date} ligger i framtiden (i dag är det ${today}).`);
};

const notBeforeProposal = (field: string, date: CalendarDate, s: Initiative): void => {
  if (date < s.proposedOn)
    throw new DateNotAllowed(`${field} ${date} ligger före initiativets förslagsdatum ${s.proposedOn}.`);
};

const existing = (s: InitiativeState, initiativeId: string): Initiative => {
  if (!s) throw new InitiativeNotFound(initiativeId);
  return s;
};

const notCancelled = (s: Initiative): Initiative => {
  if (s.cancellation) throw new InitiativeCancelledError(s.id, s.cancellation.cancelledOn);
  return s;
};

const strategyLinksOf = (links: readonly StrategyLink[]): StrategyLink[] =>
  links.map((link, i) => {
    const problem = strategyLinkProblem(link);
    if (problem) throw new InvalidInput(`strategyLinks.${i}`, `Strategikoppling ${i + 1}: ${problem}.`);
    return link.goal === undefined ? { area: link.area } : { area: link.area, goal: link.goal };
  });

const needsStrategyOrTransport = (strategyLinks: readonly StrategyLink[], transportProgramme: boolean): void => {
  if (strategyLinks.length === 0 && !transportProgramme)
    throw new InvalidInput(
      'strategyLinks',
      'Ett initiativ ska utgå från Värmlandsstrategin (strategyLinks) eller möta Trafikförsörjningsprogrammets prioriteringar (transportProgramme: true).',
    );
};

const coFinancingOf = (lines: readonly CoFinancingLine[]): CoFinancingLine[] =>
  lines.map((line, i) => {
    if (!isOre(line.amountOre))
      throw new InvalidInput(`coFinancing.${i}.amountOre`, 'Medfinansiering anges i hela öre, 0 eller mer.');
    return { source: requireText(`coFinancing.${i}.source`, line.source), amountOre: line.amountOre };
  });

export const proposeInitiative = (cmd: ProposeInitiative, s: InitiativeState): InitiativeProposed => {
  const d = cmd.data;
  if (s) throw new InitiativeAlreadyExists(d.initiativeId);
  if (!isPartyId(d.proposedBy)) throw new InvalidInput('proposedBy', `Okänd part: ${String(d.proposedBy)}.`);
  const proposedOn = requireDate('proposedOn', d.proposedOn);
  notInTheFuture('proposedOn', proposedOn, cmd.metadata.now);
  if (!isOre(d.requestedAmountOre))
    throw new InvalidInput('requestedAmountOre', 'requestedAmountOre måste vara ett heltal öre, 0 eller mer.');

  const strategyLinks = strategyLinksOf(d.strategyLinks ?? []);
  const transportProgramme = d.transportProgramme === true;
  needsStrategyOrTransport(strategyLinks, transportProgramme);
  const coFinancing = coFinancingOf(d.coFinancing ?? []);

  const decisionDeadline =
    d.decisionDeadline === undefined ? lastDayOfYear(yearOf(proposedOn)) : requireDate('decisionDeadline', d.decisionDeadline);
  if (decisionDeadline < proposedOn)
    throw new DateNotAllowed(`Beslutsfristen ${decisionDeadline} ligger före förslagsdatumet ${proposedOn}.`);

  return {
    type: 'InitiativeProposed',
    data: {
      initiativeId: d.initiativeId,
      title: requireText('title', d.title),
      summary: requireText('summary', d.summary),
      proposedBy: d.proposedBy,
      proposedOn,
      requestedAmountOre: d.requestedAmountOre,
      strategyLinks,
      transportProgramme,
      coFinancing,
      decisionDeadline,
    },
  };
};

export const prepareInitiative = (cmd: PrepareInitiative, state: InitiativeState): InitiativePrepared => {
  const d = cmd.data;
  const s = notCancelled(existing(state, d.initiativeId));
  const preparedOn = requireDate('preparedOn', d.preparedOn);
  notBeforeProposal('Beredningsdatumet', preparedOn, s);
  notInTheFuture('Beredningsdatumet', preparedOn, cmd.metadata.now);
  return {
    type: 'InitiativePrepared',
    data: {
      initiativeId: s.id,
      preparedBy: d.preparedBy,
      preparedOn,
      recommendation: d.recommendation,
      notes: optionalText(d.notes),
    },
  };
};

const decisionFacts = (d: RegisterPartyDecision['data'], s: Initiative, now: string): DecisionFacts => {
  if (!isPartyId(d.party)) throw new InvalidInput('party', `Okänd part: ${String(d.party)}.`);
  if (d.outcome !== 'approved' && d.outcome !== 'rejected')
    throw new InvalidInput('outcome', `outcome måste vara approved eller rejected, inte ${String(d.outcome)}.`);
  const decidedOn = requireDate('decidedOn', d.decidedOn);
  notBeforeProposal('Beslutsdatumet', decidedOn, s);
  notInTheFuture('Beslutsdatumet', decidedOn, now);
  return {
    party: d.party,
    outcome: d.outcome,
    decidedOn,
    body: requireText('body', d.body),
    minuteReference: requireText('minuteReference', d.minuteReference),
    caseNumber: optionalText(d.caseNumber),
  };
};

// --- Versions of the proposal (issue 15, ADR 0015) -------------------------------------------------

/**
 * The version a decision is on. Without `proposalVersion`, the current one; refused as stale (409
 * proposal-revised, naming the current version) when the council met before the current version existed, or
 * when the `textHash` the clerk was shown is not the current text's. With `proposalVersion`, the version the
 * clerk states the council decided on: recorded on it, and counted only if it is the current one.
 */
const decidedVersion = (
  d: { readonly proposalVersion?: number | null; readonly textHash?: string | null },
  s: Initiative,
  decidedOn: CalendarDate,
  hash: TextHasher,
): DecidedVersion => {
  const current = currentVersionOf(s);
  const currentHash = textHashOf(s, current, hash);
  const explicit = d.proposalVersion !== undefined && d.proposalVersion !== null;
  const version = explicit ? d.proposalVersion! : current;
  if (!Number.isInteger(version) || version < 1 || version > current)
    throw new InvalidInput('proposalVersion', `Förslaget har ingen version ${String(version)}; den aktuella är version ${current}.`);
  const v = versionOf(s, version)!;
  const textHash = textHashOf(s, version, hash);
  const seen = d.textHash === undefined || d.textHash === null || d.textHash === '' ? null : d.textHash;
  if (seen !== null && seen !== textHash) {
    if (!explicit) throw new ProposalRevised(s.id, current, currentHash, 'Texten du såg (textHash) är inte förslagets aktuella version.');
    throw new InvalidInput('textHash', `textHash ${seen} är inte hashen för version ${version} (${textHash}).`);
  }
  if (v.revisedOn !== null && decidedOn < v.revisedOn) {
    if (!explicit)
      throw new ProposalRevised(
        s.id,
        current,
        currentHash,
        `Version ${current} beslutades av sekretariatet ${v.revisedOn}, efter sammanträdet ${decidedOn}.`,
      );
    throw new DateNotAllowed(`Version ${version} finns från ${v.revisedOn}; beslutsdatumet ${decidedOn} ligger före.`);
  }
  return { proposalVersion: version, textHash };
};

const textHashOf = (s: Initiative, version: number, hash: TextHasher): string => {
  const v = versionOf(s, version);
  if (!v) throw new Error(`no version ${version}`);
  return v.textHash ?? hash(v.basis);
};

/**
 * A new version of the proposal, by the secretariat: the changed fields of the decision basis and why. A
 * revision that changes nothing is refused; so is one of a cancelled initiative, or of one granted money
 * (the grant was decided on the text as it stood). The parties that decided an earlier version decide again.
 */
export const reviseInitiative = (
  cmd: ReviseInitiative,
  state: InitiativeState,
  hash: TextHasher,
  grantedOre: number,
): InitiativeRevised => {
  const d = cmd.data;
  const s = notCancelled(existing(state, d.initiativeId));
  if (grantedOre > 0 || reservedOreOf(s) > 0) throw new RevisionAfterGrant(s.id);
  const reason = requireText('reason', d.reason);
  const revisedOn = d.revisedOn === undefined || d.revisedOn === null ? stockholmDateOf(cmd.metadata.now) : requireDate('revisedOn', d.revisedOn);
  notBeforeProposal('Revideringsdatumet', revisedOn, s);
  notInTheFuture('Revideringsdatumet', revisedOn, cmd.metadata.now);
  const last = versionsOf(s)[currentVersionOf(s) - 1]!;
  if (last.revisedOn !== null && revisedOn < last.revisedOn)
    throw new DateNotAllowed(`Revideringsdatumet ${revisedOn} ligger före version ${last.version}s datum ${last.revisedOn}.`);
  const before = basisOf(s);
  if (d.requestedAmountOre !== undefined && !isOre(d.requestedAmountOre))
    throw new InvalidInput('requestedAmountOre', 'requestedAmountOre måste vara ett heltal öre, 0 eller mer.');
  const after: DecisionBasis = {
    title: d.title === undefined ? before.title : requireText('title', d.title),
    summary: d.summary === undefined ? before.summary : requireText('summary', d.summary),
    requestedAmountOre: d.requestedAmountOre ?? before.requestedAmountOre,
    strategyLinks: d.strategyLinks === undefined ? before.strategyLinks : strategyLinksOf(d.strategyLinks),
    coFinancing: d.coFinancing === undefined ? before.coFinancing : coFinancingOf(d.coFinancing),
    decisionDeadline: d.decisionDeadline === undefined ? before.decisionDeadline : requireDate('decisionDeadline', d.decisionDeadline),
  };
  needsStrategyOrTransport(after.strategyLinks, s.transportProgramme);
  if (after.decisionDeadline < s.proposedOn)
    throw new DateNotAllowed(`Beslutsfristen ${after.decisionDeadline} ligger före förslagsdatumet ${s.proposedOn}.`);
  const changed = changedFields(before, after);
  if (changed.length === 0) throw new RevisionChangesNothing(s.id);
  const changes: Partial<Record<keyof DecisionBasis, unknown>> = {};
  for (const f of changed) changes[f] = after[f];
  return {
    type: 'InitiativeRevised',
    data: {
      initiativeId: s.id,
      version: currentVersionOf(s) + 1,
      changes: changes as Partial<DecisionBasis>,
      reason,
      textHash: hash(after),
      revisedOn,
      revisedAt: cmd.metadata.now,
    },
  };
};

/**
 * One decision per party. A decision dated after the deadline is kept (it is a fact) but does
 * not count towards consensus; see consensus.ts.
 */
export const registerPartyDecision = (
  cmd: RegisterPartyDecision,
  state: InitiativeState,
  hash: TextHasher,
): PartyDecisionRegistered => {
  const s = notCancelled(existing(state, cmd.data.initiativeId));
  const facts = decisionFacts(cmd.data, s, cmd.metadata.now);
  const version = decidedVersion(cmd.data, s, facts.decidedOn, hash);
  // A party decides once per version: again only on a newer version than the one it decided (issue 15).
  const before = s.decisions.get(facts.party);
  if (before && proposalVersionOfDecision(before) >= version.proposalVersion) throw new DecisionAlreadyRegistered(facts.party);
  const minutesApprovedOn = optionalDate('minutesApprovedOn', cmd.data.minutesApprovedOn);
  const noticePostedOn = optionalDate('noticePostedOn', cmd.data.noticePostedOn);
  checkMinutesDates(facts.decidedOn, minutesApprovedOn, noticePostedOn, cmd.metadata.now);
  return {
    type: 'PartyDecisionRegistered',
    data: { initiativeId: s.id, ...facts, registeredAt: cmd.metadata.now, minutesApprovedOn, noticePostedOn, ...version },
  };
};

const optionalDate = (field: string, value: unknown): CalendarDate | null =>
  value === undefined || value === null ? null : requireDate(field, value);

/**
 * Justering comes on or after the meeting, the notice (anslag) on or after the justering (or, when that
 * is not known, the meeting), and neither lies in the future. Justering later than 14 days after the
 * meeting breaks kommunallagen 5 kap. 69 § but does not void the decision: it is recorded and flagged
 * (`minutesLate` in the read model), never refused.
 */
const checkMinutesDates = (
  decidedOn: CalendarDate,
  minutesApprovedOn: CalendarDate | null,
  noticePostedOn: CalendarDate | null,
  now: string,
): void => {
  if (minutesApprovedOn !== null) {
    notInTheFuture('Justeringsdatumet', minutesApprovedOn, now);
    if (minutesApprovedOn < decidedOn)
      throw new DateNotAllowed(`Justeringsdatumet ${minutesApprovedOn} ligger före beslutsdatumet ${decidedOn}.`);
  }
  if (noticePostedOn !== null) {
    notInTheFuture('Anslagsdatumet', noticePostedOn, now);
    if (minutesApprovedOn !== null && noticePostedOn < minutesApprovedOn)
      throw new DateNotAllowed(
        `Anslagsdatumet ${noticePostedOn} ligger före justeringsdatumet ${minutesApprovedOn}: protokollet anslås först när det är justerat.`,
      );
    if (noticePostedOn < decidedOn)
      throw new DateNotAllowed(`Anslagsdatumet ${noticePostedOn} ligger före beslutsdatumet ${decidedOn}.`);
  }
};

const sameFacts = (a: DecisionFacts, b: DecisionFacts): boolean =>
  a.outcome === b.outcome &&
  a.decidedOn === b.decidedOn &&
  a.body === b.body &&
  a.minuteReference === b.minuteReference &&
  a.caseNumber === b.caseNumber;

/**
 * A mistaken registration is never erased: the correction is a new event that says what the
 * decision really was and why the earlier registration was wrong. Corrections stay possible
 * after a cancellation, because they fix the record of what a party decided.
 */
export const correctPartyDecision = (
  cmd: CorrectPartyDecision,
  state: InitiativeState,
  hash: TextHasher,
): PartyDecisionCorrected => {
  const s = existing(state, cmd.data.initiativeId);
  const reason = requireText('reason', cmd.data.reason);
  const facts = decisionFacts(cmd.data, s, cmd.metadata.now);
  const current = s.decisions.get(facts.party);
  if (!current) throw new NoDecisionToCorrect(facts.party);
  const version = decidedVersion(cmd.data, s, facts.decidedOn, hash);
  if (sameFacts(current, facts) && proposalVersionOfDecision(current) === version.proposalVersion)
    throw new CorrectionChangesNothing(facts.party);
  const later = current.minutesApprovedOn ?? current.noticePostedOn;
  if (later !== null && facts.decidedOn > later)
    throw new DateNotAllowed(
      `Beslutsdatumet ${facts.decidedOn} ligger efter det registrerade datumet för justering eller anslag (${later}). ` +
        'Rätta det datumet först (POST …/decisions/:party/minutes med reason).',
    );
  return {
    type: 'PartyDecisionCorrected',
    data: { initiativeId: s.id, ...facts, reason, correctedAt: cmd.metadata.now, ...version },
  };
};

/**
 * Withdrawal by the proposer, only before any grant. `grantedOre` is what the fund has granted
 * the initiative so far (the fund's ledger is the authority on money).
 */
export const cancelInitiative = (
  cmd: CancelInitiative,
  state: InitiativeState,
  grantedOre: number,
): InitiativeCancelled => {
  const s = existing(state, cmd.data.initiativeId);
  if (s.cancellation) throw new InitiativeAlreadyCancelled(s.id);
  // A reservation in this stream counts as a grant (ADR 0010): it is how a grant written by another
  // process at this moment shows here, and the expected revision of this append is what makes it visible.
  if (grantedOre > 0 || reservedOreOf(s) > 0) throw new InitiativeAlreadyGranted(s.id);
  const cancelledOn = requireDate('cancelledOn', cmd.data.cancelledOn);
  notBeforeProposal('Återkallelsedatumet', cancelledOn, s);
  notInTheFuture('Återkallelsedatumet', cancelledOn, cmd.metadata.now);
  return {
    type: 'InitiativeCancelled',
    data: { initiativeId: s.id, reason: requireText('reason', cmd.data.reason), cancelledOn },
  };
};

/** VRAG's yearly report of what a DGR-funded effort achieved. */
export const reportOutcome = (cmd: ReportOutcome, state: InitiativeState): OutcomeReported => {
  const s = notCancelled(existing(state, cmd.data.initiativeId));
  const { year } = cmd.data;
  const thisYear = yearOf(stockholmDateOf(cmd.metadata.now));
  if (!Number.isInteger(year) || year < yearOf(s.proposedOn) || year > thisYear)
    throw new DateNotAllowed(
      `Rapportåret ${year} måste ligga mellan initiativets förslagsår ${yearOf(s.proposedOn)} och innevarande år ${thisYear}.`,
    );
  return {
    type: 'OutcomeReported',
    data: {
      initiativeId: s.id,
      year,
      summary: requireText('summary', cmd.data.summary),
      reportedAt: cmd.metadata.now,
    },
  };
};

const decisionToRecordFor = (s: Initiative, party: unknown): PartyDecision => {
  if (!isPartyId(party)) throw new InvalidInput('party', `Okänd part: ${String(party)}.`);
  const decision = s.decisions.get(party);
  if (!decision) throw new NoDecisionRegistered(party);
  return decision;
};

/**
 * Justering and anslag of a registered decision, added after its registration (also after a
 * cancellation: they are facts about a decision taken). A date already recorded is changed only with a
 * `reason`, as a correction; without one the request is refused (409) and says how.
 */
export const recordDecisionMinutes = (cmd: RecordDecisionMinutes, state: InitiativeState): DecisionMinutesRecorded => {
  const d = cmd.data;
  const s = existing(state, d.initiativeId);
  const current = decisionToRecordFor(s, d.party);
  const minutesApprovedOn = optionalDate('minutesApprovedOn', d.minutesApprovedOn);
  const noticePostedOn = optionalDate('noticePostedOn', d.noticePostedOn);
  if (minutesApprovedOn === null && noticePostedOn === null)
    throw new InvalidInput('minutesApprovedOn', 'Ange minutesApprovedOn (justering), noticePostedOn (anslag) eller båda.');
  const reason = optionalText(d.reason);
  const changes: string[] = [];
  if (minutesApprovedOn !== null && current.minutesApprovedOn !== null && minutesApprovedOn !== current.minutesApprovedOn)
    changes.push(`justeringsdatumet ${current.minutesApprovedOn}`);
  if (noticePostedOn !== null && current.noticePostedOn !== null && noticePostedOn !== current.noticePostedOn)
    changes.push(`anslagsdatumet ${current.noticePostedOn}`);
  if (changes.length > 0 && reason === null) throw new MinutesAlreadyRecorded(current.party, changes);
  if (
    (minutesApprovedOn === null || minutesApprovedOn === current.minutesApprovedOn) &&
    (noticePostedOn === null || noticePostedOn === current.noticePostedOn)
  )
    throw new MinutesChangeNothing(current.party);
  checkMinutesDates(
    current.decidedOn,
    minutesApprovedOn ?? current.minutesApprovedOn,
    noticePostedOn ?? current.noticePostedOn,
    cmd.metadata.now,
  );
  return {
    type: 'DecisionMinutesRecorded',
    data: {
      initiativeId: s.id,
      party: current.party,
      minutesApprovedOn,
      noticePostedOn,
      reason,
      recordedAt: cmd.metadata.now,
    },
  };
};

/**
 * An appeal (laglighetsprövning) of a registered decision. It may reach the court from the day of the
 * decision (an appeal before the notice is tried too); one lodged after the appeal window is recorded all
 * the same (it happened) but keeps nothing from being final: see finality.ts.
 */
export const lodgeAppeal = (cmd: LodgeAppeal, state: InitiativeState): AppealLodged => {
  const d = cmd.data;
  const s = existing(state, d.initiativeId);
  const decision = decisionToRecordFor(s, d.party);
  const court = requireText('court', d.court);
  const caseNumber = requireText('caseNumber', d.caseNumber);
  const lodgedOn = requireDate('lodgedOn', d.lodgedOn);
  notInTheFuture('Överklagandedatumet', lodgedOn, cmd.metadata.now);
  if (lodgedOn < decision.decidedOn)
    throw new DateNotAllowed(`Överklagandedatumet ${lodgedOn} ligger före beslutsdatumet ${decision.decidedOn}.`);
  if (decision.appeals.some((a) => a.caseNumber === caseNumber)) throw new AppealAlreadyLodged(decision.party, caseNumber);
  return { type: 'AppealLodged', data: { initiativeId: s.id, party: decision.party, court, caseNumber, lodgedOn } };
};

/** The court's judgment on an appeal, once: `upheld` (the decision stands) or `annulled` (upphävt). */
export const decideAppeal = (cmd: DecideAppeal, state: InitiativeState): AppealDecided => {
  const d = cmd.data;
  const s = existing(state, d.initiativeId);
  const decision = decisionToRecordFor(s, d.party);
  const caseNumber = requireText('caseNumber', d.caseNumber);
  const appeal = decision.appeals.find((a) => a.caseNumber === caseNumber);
  if (!appeal) throw new AppealNotFound(decision.party, caseNumber);
  if (d.outcome !== 'upheld' && d.outcome !== 'annulled')
    throw new InvalidInput('outcome', `outcome måste vara upheld eller annulled, inte ${String(d.outcome)}.`);
  const decidedOn = requireDate('decidedOn', d.decidedOn);
  if (appeal.decidedOn !== null) throw new AppealAlreadyDecided(decision.party, caseNumber, appeal.decidedOn);
  notInTheFuture('Domstolens avgörandedatum', decidedOn, cmd.metadata.now);
  if (decidedOn < appeal.lodgedOn)
    throw new DateNotAllowed(`Domstolens avgörande ${decidedOn} ligger före överklagandet ${appeal.lodgedOn}.`);
  return {
    type: 'AppealDecided',
    data: { initiativeId: s.id, party: decision.party, caseNumber, outcome: d.outcome, decidedOn },
  };
};
