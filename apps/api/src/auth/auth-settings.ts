import type { AuthConfig } from '../config';
import type { TokenKeys } from './token-keys';

/** The resolved authentication settings, provided once to the guard. */
export class AuthSettings {
  constructor(
    readonly auth: AuthConfig,
    readonly keys: TokenKeys,
  ) {}
}
