import type { AuthConfig, TokenKeys } from '@dgr/config';
import type { SessionSettings } from './session';

/** The resolved authentication settings, provided once to the guard and the sign-in pages. */
export class AuthSettings {
  constructor(
    readonly auth: AuthConfig,
    readonly keys: TokenKeys,
    readonly session: SessionSettings,
  ) {}
}
