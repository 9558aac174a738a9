import { DomainError } from '../errors';
import { partyName, type PartyId } from '../parties';

export class InitiativeNotFound extends DomainError {
  readonly kind = 'not-found';
  readonly code = 'initiative-not-found';
  readonly title = 'Initiativet finns inte';
  constructor(readonly initiativeId: string) {
    super(`Det finns inget initiativ med id ${initiativeId}.`);
  }
}

export class InitiativeAlreadyExists extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'initiative-already-exists';
  readonly title = 'Initiativet finns redan';
  constructor(readonly initiativeId: string) {
    super(`Ett initiativ med id ${initiativeId} finns redan.`);
  }
}

export class InitiativeCancelledError extends DomainError {
  readonly kind = 'rule';
  readonly code = 'initiative-cancelled';
  readonly title = 'Initiativet är återkallat';
  constructor(
    readonly initiativeId: string,
    cancelledOn: string,
  ) {
    super(`Initiativet återkallades ${cancelledOn} och kan inte längre ändras.`);
  }
}

export class DecisionAlreadyRegistered extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'decision-already-registered';
  readonly title = 'Partens beslut är redan registrerat';
  constructor(readonly party: PartyId) {
    super(
      `${partyName(party)} har redan ett registrerat beslut i detta initiativ. ` +
        'Ett felaktigt beslut rättas med en rättelse (correction), med ett skäl.',
    );
  }
}

export class NoDecisionToCorrect extends DomainError {
  readonly kind = 'rule';
  readonly code = 'no-decision-to-correct';
  readonly title = 'Det finns inget beslut att rätta';
  constructor(readonly party: PartyId) {
    super(`${partyName(party)} har inget registrerat beslut i detta initiativ att rätta. Registrera beslutet i stället.`);
  }
}

export class CorrectionChangesNothing extends DomainError {
  readonly kind = 'rule';
  readonly code = 'correction-changes-nothing';
  readonly title = 'Rättelsen ändrar ingenting';
  constructor(readonly party: PartyId) {
    super(`Rättelsen av ${partyName(party)}s beslut är identisk med det registrerade beslutet.`);
  }
}

export class InitiativeAlreadyGranted extends DomainError {
  readonly kind = 'rule';
  readonly code = 'initiative-already-granted';
  readonly title = 'Initiativet har beviljats medel';
  constructor(readonly initiativeId: string) {
    super('Initiativet har redan beviljats medel ur DGR och kan därför inte återkallas.');
  }
}

export class InitiativeAlreadyCancelled extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'initiative-already-cancelled';
  readonly title = 'Initiativet är redan återkallat';
  constructor(readonly initiativeId: string) {
    super('Initiativet är redan återkallat.');
  }
}

/** Minutes, notices and appeals belong to a registered decision. */
export class NoDecisionRegistered extends DomainError {
  readonly kind = 'rule';
  readonly code = 'no-decision-registered';
  readonly title = 'Partens beslut är inte registrerat';
  constructor(readonly party: PartyId) {
    super(`${partyName(party)} har inget registrerat beslut i detta initiativ. Registrera beslutet först.`);
  }
}

/** A recorded justering or anslag date is changed only with a reason, never silently. */
export class MinutesAlreadyRecorded extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'minutes-already-recorded';
  readonly title = 'Datumet är redan registrerat';
  constructor(
    readonly party: PartyId,
    changes: readonly string[],
  ) {
    super(
      `${partyName(party)}s beslut har redan ${changes.join(' och ')}. ` +
        'Ett registrerat datum ändras bara som en rättelse: skicka samma begäran med reason (varför det registrerade datumet var fel).',
    );
  }
}

export class MinutesChangeNothing extends DomainError {
  readonly kind = 'rule';
  readonly code = 'minutes-change-nothing';
  readonly title = 'Uppgifterna är redan registrerade';
  constructor(readonly party: PartyId) {
    super(`Datumen för justering och anslag av ${partyName(party)}s beslut är redan registrerade med just dessa värden.`);
  }
}

export class AppealAlreadyLodged extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'appeal-already-lodged';
  readonly title = 'Överklagandet är redan registrerat';
  constructor(
    readonly party: PartyId,
    readonly caseNumber: string,
  ) {
    super(`Ett överklagande av ${partyName(party)}s beslut med målnummer ${caseNumber} är redan registrerat.`);
  }
}

export class AppealNotFound extends DomainError {
  readonly kind = 'not-found';
  readonly code = 'appeal-not-found';
  readonly title = 'Överklagandet finns inte';
  constructor(
    readonly party: PartyId,
    readonly caseNumber: string,
  ) {
    super(`Det finns inget registrerat överklagande av ${partyName(party)}s beslut med målnummer ${caseNumber}.`);
  }
}

export class AppealAlreadyDecided extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'appeal-already-decided';
  readonly title = 'Överklagandet är redan avgjort';
  constructor(
    readonly party: PartyId,
    readonly caseNumber: string,
    decidedOn: string,
  ) {
    super(`Överklagandet av ${partyName(party)}s beslut (mål ${caseNumber}) avgjordes redan ${decidedOn}.`);
  }
}

// --- Versions of the proposal (issue 15) -----------------------------------------------------------

/** A decision registered as if on the current version, when the clerk was looking at an older one. */
export class ProposalRevised extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'proposal-revised';
  readonly title = 'Förslaget har reviderats';
  constructor(
    readonly initiativeId: string,
    readonly currentVersion: number,
    readonly currentTextHash: string,
    why: string,
  ) {
    super(
      `Förslaget har reviderats: den aktuella versionen är version ${currentVersion} (textHash ${currentTextHash}). ${why} ` +
        'Beslutade fullmäktige om en tidigare version, ange den med proposalVersion: beslutet registreras då på den versionen men räknas inte mot konsensus.',
    );
  }
}

export class RevisionChangesNothing extends DomainError {
  readonly kind = 'rule';
  readonly code = 'revision-changes-nothing';
  readonly title = 'Revideringen ändrar ingenting';
  constructor(readonly initiativeId: string) {
    super('Revideringen ändrar inget i beslutsunderlaget (titel, sammanfattning, sökt belopp, strategikopplingar, medfinansiering, beslutsfrist).');
  }
}

export class RevisionAfterGrant extends DomainError {
  readonly kind = 'rule';
  readonly code = 'initiative-already-granted';
  readonly title = 'Initiativet har beviljats medel';
  constructor(readonly initiativeId: string) {
    super('Initiativet har redan beviljats medel ur DGR på det förslag som då gällde och kan därför inte revideras.');
  }
}
