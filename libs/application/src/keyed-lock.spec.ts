import { KeyedLock } from './keyed-lock';
import { gate, turns as turnsOf } from './testing/async-steps';

/*
 * KeyedLock: work under one key takes turns, in the order it asked; work under other keys runs beside it.
 * Each piece of work here waits on a gate the test opens, so "still waiting" is a state, not a timing.
 */

/** Five turns of the event loop: enough for queued work to start if it could. */
const turns = (n = 5): Promise<void> => turnsOf(n);

describe('KeyedLock', () => {
  it('work under the same key takes turns, in the order it asked', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const first = gate();
    const a = lock.run(['k'], async () => {
      log.push('a starts');
      await first.opened;
      log.push('a ends');
    });
    const b = lock.run(['k'], async () => void log.push('b runs'));
    const c = lock.run(['k'], async () => void log.push('c runs'));
    await turns();
    expect(log).toEqual(['a starts']);

    first.open();
    await Promise.all([a, b, c]);
    expect(log).toEqual(['a starts', 'a ends', 'b runs', 'c runs']);
  });

  it('work under another key runs while the first key is held', async () => {
    const lock = new KeyedLock();
    const held = gate();
    const a = lock.run(['k1'], () => held.opened);
    let otherRan = false;
    await lock.run(['k2'], async () => void (otherRan = true));
    expect(otherRan).toBe(true);
    held.open();
    await a;
  });

  it('work under several keys waits for every one of them', async () => {
    const lock = new KeyedLock();
    const fund = gate();
    const initiative = gate();
    const a = lock.run(['fund'], () => fund.opened);
    const b = lock.run(['initiative-1'], () => initiative.opened);
    let both = false;
    const c = lock.run(['fund', 'initiative-1'], async () => void (both = true));
    await turns();
    expect(both).toBe(false);
    fund.open();
    await a;
    await turns();
    expect(both).toBe(false);

    initiative.open();
    await Promise.all([b, c]);
    expect(both).toBe(true);
  });

  it('work that takes the same keys in the same order never deadlocks: one after the other', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const work = (name: string) => async () => {
      log.push(`${name} starts`);
      await turns(2);
      log.push(`${name} ends`);
    };
    await Promise.all([lock.run(['a', 'b'], work('x')), lock.run(['a', 'b'], work('y'))]);
    expect(log).toEqual(['x starts', 'x ends', 'y starts', 'y ends']);
  });

  it('a failed piece of work gives the key up: the next one runs, and the failure reaches only its caller', async () => {
    const lock = new KeyedLock();
    const failing = lock.run(['k'], async () => {
      throw new Error('refused');
    });
    const next = lock.run(['k'], async () => 'ran');
    await expect(failing).rejects.toThrow('refused');
    await expect(next).resolves.toBe('ran');
  });

  it('no keys: the work just runs', async () => {
    await expect(new KeyedLock().run([], async () => 42)).resolves.toBe(42);
  });
});
