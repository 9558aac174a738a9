import type { StoreVerification, VerifyStoreOptions } from '@dgr/application';
import type { Config } from '@dgr/config';

/** What the verify worker is given (structured-cloned into the thread). */
export interface VerifyJob {
  /** Where the log and the evidence files are: the same configuration the server opened them with. */
  readonly config: Pick<Config, 'store' | 'sqliteFile' | 'blobDir'>;
  /** The checkpoint the log must extend, and its key as PEM (a KeyObject is not sent across). */
  readonly against: { readonly checkpoint: NonNullable<VerifyStoreOptions['against']>['checkpoint']; readonly publicKey: string | undefined } | undefined;
  readonly pageSize?: number;
}

/** What the worker posts back: the result, or why the check could not run. */
export type VerifyOutcome = { readonly ok: true; readonly result: StoreVerification } | { readonly ok: false; readonly message: string };
