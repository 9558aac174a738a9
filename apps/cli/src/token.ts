import { isPartyId, isRole, partyName, type PartyId } from '@dgr/domain';
import { resolveTokenKeys, signToken, type Config } from '@dgr/config';

/** A wrong option of `dgr token`, said as the command line would. */
export class TokenUsageError extends Error {}

export interface TokenOptions {
  readonly role?: string;
  readonly party?: string;
  readonly name?: string;
  readonly sub?: string;
  readonly days?: string;
}

/**
 * `dgr token`: a signed token (HS256) for local use. `--days` defaults to 30 and may not exceed
 * DGR_TOKEN_MAX_DAYS (the service would refuse a longer token anyway); `log` hears of a secret file created.
 */
export const tokenCommand = (config: Config, values: TokenOptions, log: (line: string) => void = () => undefined): string => {
  const { role, party } = values;
  if (!isRole(role)) throw new TokenUsageError('--role must be one of: secretariat, clerk, finance, auditor');
  if (role === 'clerk' && !isPartyId(party))
    throw new TokenUsageError('--party must be the clerk\'s party (SCB code: 17, 1715 … 1785)');
  if (role !== 'clerk' && party !== undefined) throw new TokenUsageError('--party is only for clerks');
  const max = config.auth.maxTokenDays;
  const days = values.days === undefined ? Math.min(30, max) : Number(values.days);
  if (!Number.isFinite(days) || days <= 0 || days > max)
    throw new TokenUsageError(`--days must be a number of days from 1 to ${max} (DGR_TOKEN_MAX_DAYS), got "${values.days}"`);
  const name = values.name ?? (role === 'clerk' ? `Registrator ${partyName(party as PartyId)}` : `Lokal ${role}`);
  const sub = values.sub ?? `local-${role}${party ? `-${party}` : ''}`;
  const keys = resolveTokenKeys(config.auth);
  if (keys.createdFile) log(`dgr: created a token secret at ${keys.createdFile} (owner-only)`);
  return signToken({ sub, name, role, party, days }, keys, config.auth);
};
