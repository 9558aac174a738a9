/**
 * The body of the worker thread that runs GET /api/audit/verify's whole-log check and the re-check after a
 * resumed start (verify-in-worker.ts starts it and sends it jobs): for each job it opens the store again from the
 * same configuration (SQLite: a read-only connection to the file; EventStoreDB: a client of its own) and, for a
 * verify, the evidence files' folder; runs `verifyStore` (the result without the Merkle tree) or `recheckStore`
 * over them, posts the result or the error's message, and closes the store. The server's event loop meanwhile
 * serves other requests.
 */
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { recheckStore, verifyStore, type StoreRecheck, type StoreVerification } from '@dgr/application';
import { FileBlobStore } from '@dgr/blob-store';
import { openStore } from '../open-store';
import type { RecheckJob, VerifyJob, VerifyOutcome } from './verify-job';

/** The lowest CPU priority (nice 19): only this thread's, on Linux (setpriority on the calling thread). */
const LOWEST_PRIORITY = 19;

const verify = async (job: VerifyJob): Promise<StoreVerification> => {
  const store = await openStore(job.config, { readOnly: true });
  try {
    const { tree: _tree, ...result } = await verifyStore(store, { against: job.against, pageSize: job.pageSize, blobs: new FileBlobStore(job.config.blobDir) });
    return result;
  } finally {
    await store.close();
  }
};

const recheck = async (job: RecheckJob): Promise<StoreRecheck> => {
  if (job.lowPriority)
    try {
      setPriority(LOWEST_PRIORITY);
    } catch {
      // A platform that cannot lower it: the re-check still runs, at the normal priority.
    }
  const store = await openStore(job.config, { readOnly: true });
  try {
    return await recheckStore(store, { pageSize: job.pageSize });
  } finally {
    await store.close();
  }
};

const run = (job: VerifyJob | RecheckJob): Promise<StoreVerification | StoreRecheck> => ('kind' in job && job.kind === 'recheck' ? recheck(job) : verify(job as VerifyJob));

parentPort!.on('message', ({ id, job }: { id: number; job: VerifyJob | RecheckJob }) => {
  run(job).then(
    (result) => parentPort!.postMessage({ id, outcome: { ok: true, result } satisfies VerifyOutcome<StoreVerification | StoreRecheck> }),
    (e: unknown) => parentPort!.postMessage({ id, outcome: { ok: false, message: e instanceof Error ? e.message : String(e) } satisfies VerifyOutcome }),
  );
});
