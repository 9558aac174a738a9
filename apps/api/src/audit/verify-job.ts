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

/**
 * The re-check after a resumed start (`recheckStore`): the hashes only, in bounded memory. `lowPriority`: the
 * worker first lowers its own thread's CPU priority (nice 19; on Linux a thread has its own), so the requests the
 * server answers meanwhile keep the CPU. The thread is then only used for this job.
 */
export interface RecheckJob {
  readonly kind: 'recheck';
  readonly config: Pick<Config, 'store' | 'sqliteFile'>;
  readonly lowPriority: boolean;
  readonly pageSize?: number;
}

/** What the worker posts back: the result, or why the check could not run. */
export type VerifyOutcome<R = StoreVerification> = { readonly ok: true; readonly result: R } | { readonly ok: false; readonly message: string };
