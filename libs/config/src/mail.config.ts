import { isPartyId, PARTY_IDS, type PartyId } from '@dgr/domain';
import { ConfigError } from './config-error';
import { inlineOrFile, url, type Env } from './parse';

export interface MailConfig {
  /** `DGR_SMTP_URL`: `smtp://[user:pass@]host[:port]` or `smtps://…` (TLS from the start); null when unset. */
  readonly smtpUrl: string | null;
  /** The sender of reminders. `DGR_MAIL_FROM`, default `DGR <dgr@localhost>`. */
  readonly from: string;
  /** Each party's contact address: `DGR_PARTY_CONTACTS`, a JSON object `{ "1780": "registrator@karlstad.se" }` or a path to one. */
  readonly contacts: Readonly<Partial<Record<PartyId, string>>>;
}

const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?)*$/u;

/** A plain e-mail address (`registrator@karlstad.se`): no display name, no spaces. */
export const isEmailAddress = (value: unknown): value is string => typeof value === 'string' && value.length <= 254 && EMAIL.test(value);

/** The SMTP URL with its password replaced by `***`, for messages and logs. */
export const redactSmtpUrl = (raw: string): string => {
  try {
    const parsed = new URL(raw);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(an unparsable URL)';
  }
};

/** The mail section: `DGR_SMTP_URL`, `DGR_MAIL_FROM`, `DGR_PARTY_CONTACTS`. */
export const mailSection = (env: Env): MailConfig => {
  const rawUrl = env.DGR_SMTP_URL?.trim() || null;
  if (rawUrl !== null) {
    const parsed = url('DGR_SMTP_URL', rawUrl, 'must be a URL like smtp://localhost:25 or smtps://user:password@mail.example.se:465');
    if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:')
      throw new ConfigError('DGR_SMTP_URL', `must use the scheme smtp:// or smtps://, got ${parsed.protocol}//`);
    if (parsed.hostname === '') throw new ConfigError('DGR_SMTP_URL', 'must name the mail server\'s host, e.g. smtp://localhost:25');
  }
  const from = env.DGR_MAIL_FROM?.trim() || 'DGR <dgr@localhost>';
  const named = /^([^<>\r\n]*)<([^<>\s]+)>$/.exec(from);
  if (!isEmailAddress(named ? named[2] : from))
    throw new ConfigError('DGR_MAIL_FROM', `must be an address like dgr@regionvarmland.se or "DGR <dgr@regionvarmland.se>", got "${env.DGR_MAIL_FROM}"`);
  return { smtpUrl: rawUrl, from, contacts: partyContacts(env.DGR_PARTY_CONTACTS) };
};

/** `DGR_PARTY_CONTACTS`: inline JSON (starting with `{`) or a path to a JSON file, `{ "<SCB code>": "address" }`. */
const partyContacts = (given: string | undefined): Partial<Record<PartyId, string>> => {
  const value = given?.trim();
  if (!value) return {};
  const text = inlineOrFile('DGR_PARTY_CONTACTS', value, (v) => v.startsWith('{'), 'contacts');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ConfigError('DGR_PARTY_CONTACTS', `is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ConfigError('DGR_PARTY_CONTACTS', 'must be a JSON object from SCB code to e-mail address, e.g. {"1780": "registrator@karlstad.se"}');
  const contacts: Partial<Record<PartyId, string>> = {};
  for (const [code, address] of Object.entries(parsed as Record<string, unknown>)) {
    if (!isPartyId(code))
      throw new ConfigError('DGR_PARTY_CONTACTS', `"${code}" is not a party's SCB code (${PARTY_IDS.join(', ')})`);
    const trimmed = typeof address === 'string' ? address.trim() : address;
    if (!isEmailAddress(trimmed))
      throw new ConfigError('DGR_PARTY_CONTACTS', `the address of ${code} must be one e-mail address like registrator@karlstad.se, got ${JSON.stringify(address)}`);
    contacts[code] = trimmed;
  }
  return contacts;
};
