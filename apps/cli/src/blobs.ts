import { EvidenceReferences, type EvidenceReference } from '@dgr/application';
import { sha256Hex, type BlobStore } from '@dgr/blob-store';
import type { EventStore, RecordedEvent } from '@dgr/event-store';

/** An evidence file the log names that cannot be carried: missing from the source folder, or altered there. */
export class BlobCopyError extends Error {}

/** The evidence files named by these events (DecisionEvidenceAttached), in log order. */
export const referencedBlobs = (events: readonly RecordedEvent[]): readonly EvidenceReference[] => {
  const refs = new EvidenceReferences();
  for (const e of events) refs.add(e);
  return refs.all();
};

/**
 * Copies each referenced file from `from` to `to`, checked against its hash on the way (a file altered in the
 * source is refused, never carried as the evidence the log names). Answers how many files were written.
 */
export const copyBlobs = async (refs: readonly EvidenceReference[], from: BlobStore, to: BlobStore): Promise<number> => {
  let written = 0;
  const done = new Set<string>();
  for (const ref of refs) {
    if (done.has(ref.sha256)) continue;
    done.add(ref.sha256);
    const bytes = await from.get(ref.sha256);
    if (!bytes) throw new BlobCopyError(`the evidence file ${ref.sha256} named at position ${ref.position} is missing from ${from.location}; run dgr verify`);
    if (sha256Hex(bytes) !== ref.sha256)
      throw new BlobCopyError(`the evidence file ${ref.sha256} named at position ${ref.position} was altered in ${from.location}; run dgr verify`);
    if (from.location !== to.location) {
      await to.put(bytes);
      written += 1;
    }
  }
  return written;
};

/** Every evidence file `store`'s log names, read a page at a time. */
export const allReferencedBlobs = async (store: EventStore, pageSize = 1000): Promise<EvidenceReference[]> => {
  const refs: EvidenceReference[] = [];
  const head = await store.headPosition();
  for (let after = 0; after < head; ) {
    const page = await store.readAll(after, Math.min(pageSize, head - after));
    if (page.length === 0) break;
    refs.push(...referencedBlobs(page));
    after = page[page.length - 1]!.position;
  }
  return refs;
};
