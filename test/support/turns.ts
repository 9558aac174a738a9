/**
 * Turns of the event loop that pass before `work` settles (0: it settled without letting anything else run), for
 * the specs that check a request or a catch-up does not hold the event loop. `work`'s rejection is rethrown.
 */
export const turnsDuring = async (work: Promise<unknown>): Promise<number> => {
  let done = false;
  void work.then(
    () => (done = true),
    () => (done = true),
  );
  let turns = 0;
  while (!done) {
    await new Promise((resolve) => setImmediate(resolve));
    turns += 1;
  }
  await work;
  return turns;
};
