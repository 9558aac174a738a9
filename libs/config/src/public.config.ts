/** The public view's settings (docs/public.md): `DGR_PUBLIC`, `DGR_PUBLIC_LICENSE`, `DGR_PUBLIC_BASE_URL`. */
import { ConfigError } from './config-error';
import type { Env } from './parse';

export const CC0 = 'http://creativecommons.org/publicdomain/zero/1.0/';

export interface PublicConfig {
  /** `DGR_PUBLIC=on|off` (default on): the public pages (/publikt) and open data (/api/public/*); off, every one answers 404. */
  readonly enabled: boolean;
  /** `DGR_PUBLIC_LICENSE`: the licence of the open data as an IRI, default CC0 1.0. */
  readonly license: string;
  /**
   * `DGR_PUBLIC_BASE_URL`: the service's public address (`https://dgr.regionvarmland.se`), which the
   * DCAT catalogue's IRIs start with; unset, the address the request came to.
   */
  readonly baseUrl: string | null;
  /** `DGR_PUBLIC_CONTACT_EMAIL`: the catalogue's contact point's e-mail address (DCAT-AP-SE asks for one); unset, none. */
  readonly contactEmail: string | null;
}

const HTTP_URL = /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/;

const invalid = (variable: string, message: string): ConfigError => new ConfigError(variable, message);

/** Reads the public view's variables; a bad value stops the start naming the variable. */
export const publicSection = (env: Env): PublicConfig => {
  const raw = env.DGR_PUBLIC?.trim().toLowerCase() ?? '';
  if (raw !== '' && raw !== 'on' && raw !== 'off') throw invalid('DGR_PUBLIC', `must be on or off, got "${env.DGR_PUBLIC}"`);
  const license = env.DGR_PUBLIC_LICENSE?.trim() || CC0;
  if (!HTTP_URL.test(license))
    throw invalid('DGR_PUBLIC_LICENSE', `must be the licence's address (an IRI), e.g. ${CC0}, got "${env.DGR_PUBLIC_LICENSE}"`);
  const base = env.DGR_PUBLIC_BASE_URL?.trim() || null;
  if (base !== null && !HTTP_URL.test(base))
    throw invalid('DGR_PUBLIC_BASE_URL', `must be an address like https://dgr.regionvarmland.se, got "${env.DGR_PUBLIC_BASE_URL}"`);
  const contactEmail = env.DGR_PUBLIC_CONTACT_EMAIL?.trim() || null;
  if (contactEmail !== null && !/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(contactEmail))
    throw invalid('DGR_PUBLIC_CONTACT_EMAIL', `must be an e-mail address like dgr@regionvarmland.se, got "${env.DGR_PUBLIC_CONTACT_EMAIL}"`);
  return { enabled: raw !== 'off', license, baseUrl: base === null ? null : base.replace(/\/+$/, ''), contactEmail };
};
