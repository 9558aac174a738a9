/**
 * The process's commit signal (ADR 0021): a counter in shared memory that every SQLite group commit of this process
 * adds to once it is durable — on the commit thread (ADR 0019, which receives it in its workerData) or on the
 * caller's thread — and notifies (`Atomics.notify`). A thread that follows the log (the projection worker) waits on
 * it with `Atomics.waitAsync` instead of being sent a message per command: the main thread does nothing for it.
 */
export const SQLITE_COMMIT_SIGNAL = new Int32Array(new SharedArrayBuffer(4));

/** One more commit is durable: wakes whoever waits on `signal`. */
export const signalCommit = (signal: Int32Array): void => {
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
};
