/**
 * The body of the worker thread that runs GET /api/audit/verify's whole-log check (verify-in-worker.ts starts
 * it and sends it jobs): for each job it opens the store again from the same configuration (SQLite: a read-only
 * connection to the file; EventStoreDB: a client of its own) and the evidence files' folder, runs `verifyStore` over them, posts the result
 * (without the Merkle tree) or the error's message, and closes the store. The server's event loop meanwhile
 * serves other requests.
 */
import { parentPort } from 'node:worker_threads';
import { verifyStore, type StoreVerification } from '@dgr/application';
import { FileBlobStore } from '@dgr/blob-store';
import { openStore } from '../open-store';
import type { VerifyJob, VerifyOutcome } from './verify-job';

const run = async (job: VerifyJob): Promise<StoreVerification> => {
  const store = await openStore(job.config, { readOnly: true });
  try {
    const { tree: _tree, ...result } = await verifyStore(store, { against: job.against, pageSize: job.pageSize, blobs: new FileBlobStore(job.config.blobDir) });
    return result;
  } finally {
    await store.close();
  }
};

parentPort!.on('message', ({ id, job }: { id: number; job: VerifyJob }) => {
  run(job).then(
    (result) => parentPort!.postMessage({ id, outcome: { ok: true, result } satisfies VerifyOutcome }),
    (e: unknown) => parentPort!.postMessage({ id, outcome: { ok: false, message: e instanceof Error ? e.message : String(e) } satisfies VerifyOutcome }),
  );
});
