import jwt from 'jsonwebtoken';
import { loadConfig, resolveTokenKeys, signToken, verifyToken } from '@dgr/config';
import { tokenCommand, TokenUsageError } from './token';

const SECRET = 'cli-token-spec-secret-that-is-long-enough-0123456789';
const DAY = 86_400;

const lifetimeOf = (token: string): { iat: number; days: number } => {
  const { iat, exp } = jwt.decode(token) as { iat: number; exp: number };
  return { iat, days: (exp - iat) / DAY };
};

describe('dgr token --days (issue 17, item 6: never longer than DGR_TOKEN_MAX_DAYS)', () => {
  const defaults = loadConfig({ DGR_JWT_SECRET: SECRET });
  const week = loadConfig({ DGR_JWT_SECRET: SECRET, DGR_TOKEN_MAX_DAYS: '7' });

  it('signs 30 days by default, and exactly the days asked for up to the maximum', () => {
    expect(lifetimeOf(tokenCommand(defaults, { role: 'auditor' })).days).toBe(30);
    expect(lifetimeOf(tokenCommand(defaults, { role: 'auditor', days: '30' })).days).toBe(30);
    expect(lifetimeOf(tokenCommand(week, { role: 'finance', days: '7' })).days).toBe(7);
  });

  it('defaults to the maximum when DGR_TOKEN_MAX_DAYS is below 30', () => {
    expect(lifetimeOf(tokenCommand(week, { role: 'finance' })).days).toBe(7);
  });

  it.each([
    ['31', 30],
    ['366', 30],
    ['8', 7],
    ['7.01', 7],
  ])('refuses --days %s over the maximum of %d days', (days, max) => {
    const config = max === 7 ? week : defaults;
    expect(() => tokenCommand(config, { role: 'auditor', days })).toThrow(TokenUsageError);
    expect(() => tokenCommand(config, { role: 'auditor', days })).toThrow(`--days must be a number of days from 1 to ${max} (DGR_TOKEN_MAX_DAYS), got "${days}"`);
  });

  it('the token it signs is one the service accepts', () => {
    const token = tokenCommand(week, { role: 'clerk', party: '1780', days: '7' });
    const { iat } = lifetimeOf(token);
    expect(verifyToken(token, resolveTokenKeys(week.auth), week.auth, new Date(iat * 1000))).toEqual({
      sub: 'local-clerk-1780',
      name: 'Registrator Karlstad',
      role: 'clerk',
      party: '1780',
    });
  });

  it('signToken itself refuses a longer lifetime, whoever calls it', () => {
    const keys = resolveTokenKeys(week.auth);
    expect(() => signToken({ sub: 's', name: 'n', role: 'auditor', days: 8 }, keys, week.auth)).toThrow(/at most 7 days \(DGR_TOKEN_MAX_DAYS\)/);
  });
});
