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
