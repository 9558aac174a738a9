import { DEFAULT_SIE_ACCOUNTS, type SieAccounts } from '@dgr/application';
import { ConfigError } from './config-error';
import type { Env } from './parse';

/**
 * The SIE export's BAS accounts (libs/application/src/exports/sie.ts): `DGR_SIE_FUND_ACCOUNT` (default 1930),
 * `DGR_SIE_DEPOSIT_ACCOUNT` (2071), `DGR_SIE_PAYOUT_ACCOUNT` (2072), `DGR_SIE_RETURN_ACCOUNT` (2073).
 */
export type { SieAccounts };

/** The SIE section: four BAS account numbers, the fund's differing from the other three. */
export const sieSection = (env: Env): SieAccounts => {
  const account = (variable: string, fallback: string): string => {
    const value = env[variable]?.trim() || fallback;
    if (!/^[1-8]\d{3}$/.test(value)) throw new ConfigError(variable, `must be a four-digit BAS account number (1000–8999), got "${env[variable]}"`);
    return value;
  };
  const accounts = {
    fund: account('DGR_SIE_FUND_ACCOUNT', DEFAULT_SIE_ACCOUNTS.fund),
    deposit: account('DGR_SIE_DEPOSIT_ACCOUNT', DEFAULT_SIE_ACCOUNTS.deposit),
    payout: account('DGR_SIE_PAYOUT_ACCOUNT', DEFAULT_SIE_ACCOUNTS.payout),
    return: account('DGR_SIE_RETURN_ACCOUNT', DEFAULT_SIE_ACCOUNTS.return),
  };
  const others: Array<[string, string]> = [['DGR_SIE_DEPOSIT_ACCOUNT', accounts.deposit], ['DGR_SIE_PAYOUT_ACCOUNT', accounts.payout], ['DGR_SIE_RETURN_ACCOUNT', accounts.return]];
  for (const [variable, value] of others)
    if (value === accounts.fund) throw new ConfigError(variable, `must differ from DGR_SIE_FUND_ACCOUNT (${accounts.fund})`);
  return accounts;
};
