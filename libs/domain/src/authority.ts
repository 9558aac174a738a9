import { DomainError } from './errors';
import { isPartyId, partyName, type PartyId } from './parties';

/**
 * Who may write what. Every role may read everything; writes follow this table:
 *
 * | role          | may write                                                                 |
 * |---------------|---------------------------------------------------------------------------|
 * | `secretariat` | propose (for any party), preparation, revisions, cancellation, outcome    |
 * |               | reports, appeals (for any party)                                          |
 * | `clerk`       | decisions, corrections, justering/anslag, appeals and the minutes extract |
 * |               | (evidence) for its own party;                                             |
 * |               | propose for its own party                                                 |
 * | `finance`     | grants, deposits, withdrawals, returns, closing years                      |
 * | `auditor`     | nothing                                                                   |
 */
export const ROLES = ['secretariat', 'clerk', 'finance', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** Who recorded a fact, as the events' metadata keeps it. */
export interface Actor {
  readonly sub: string;
  readonly name: string;
  readonly role: Role;
  /** A clerk's own party. */
  readonly party?: PartyId;
}

export type WriteAction =
  | 'propose-initiative'
  | 'prepare-initiative'
  | 'register-decision'
  | 'correct-decision'
  | 'cancel-initiative'
  | 'report-outcome'
  | 'award-grant'
  | 'deposit'
  | 'withdraw'
  | 'return'
  | 'close-year'
  | 'record-minutes'
  | 'record-appeal'
  | 'revise-initiative'
  | 'attach-evidence';

/** `any`: for any party; `own`: only for the actor's own party (the party the request names). */
type Scope = 'any' | 'own';

export const AUTHORITY: Readonly<Record<WriteAction, Partial<Record<Role, Scope>>>> = {
  'propose-initiative': { secretariat: 'any', clerk: 'own' },
  'prepare-initiative': { secretariat: 'any' },
  'register-decision': { clerk: 'own' },
  'correct-decision': { clerk: 'own' },
  'cancel-initiative': { secretariat: 'any' },
  'report-outcome': { secretariat: 'any' },
  'award-grant': { finance: 'any' },
  deposit: { finance: 'any' },
  withdraw: { finance: 'any' },
  return: { finance: 'any' },
  'close-year': { finance: 'any' },
  'record-minutes': { clerk: 'own' },
  'record-appeal': { secretariat: 'any', clerk: 'own' },
  'revise-initiative': { secretariat: 'any' },
  'attach-evidence': { clerk: 'own' },
};

const ROLE_NAMES: Record<Role, string> = {
  secretariat: 'sekretariatet',
  clerk: 'en parts registrator',
  finance: 'Region Värmlands ekonomifunktion',
  auditor: 'revisorer',
};

export class NotAuthorised extends DomainError {
  readonly kind = 'forbidden';
  readonly code = 'forbidden';
  readonly title = 'Behörighet saknas';
}

/**
 * Refuses a write outside the actor's authority. `party` is the party the request acts for (for
 * `own`-scoped actions), whatever else the request says; an unknown or missing party is never one's own.
 */
export const authorise = (actor: Actor, action: WriteAction, party: unknown): void => {
  const scope = AUTHORITY[action][actor.role];
  if (!scope) throw new NotAuthorised(`Rollen ${actor.role} (${ROLE_NAMES[actor.role]}) får inte utföra ${action}.`);
  if (scope === 'own' && (actor.party === undefined || party !== actor.party)) {
    const what = isPartyId(party) ? partyName(party) : 'en annan part';
    throw new NotAuthorised(
      `Du är registrator för ${actor.party ? partyName(actor.party) : 'ingen part'} och får bara registrera för den egna parten, inte för ${what}.`,
    );
  }
};
