import { StreamStateCache, type FoldedStream } from './stream-state-cache';

const foldA = { name: 'a' };
const foldB = { name: 'b' };
const entry = (revision: number, fold: unknown = foldA): FoldedStream => ({ fold, state: `state@${revision}`, revision, ids: new Map() });

describe('StreamStateCache', () => {
  it('answers what was put for the same stream and fold, and nothing for another stream or another fold', () => {
    const cache = new StreamStateCache(10);
    const e = entry(3);
    cache.put('s', e);
    expect(cache.get('s', foldA)).toBe(e);
    expect(cache.get('t', foldA)).toBeUndefined();
    expect(cache.get('s', foldB)).toBeUndefined();
  });

  it('keeps the entry furthest along when two loads of one stream overlap', () => {
    const cache = new StreamStateCache(10);
    cache.put('s', entry(5));
    cache.put('s', entry(4));
    expect(cache.get('s', foldA)?.revision).toBe(5);
    cache.put('s', entry(6));
    expect(cache.get('s', foldA)?.revision).toBe(6);
  });

  it('an entry of another fold replaces the one held (one entry per stream)', () => {
    const cache = new StreamStateCache(10);
    cache.put('s', entry(5, foldA));
    cache.put('s', entry(1, foldB));
    expect(cache.get('s', foldA)).toBeUndefined();
    expect(cache.get('s', foldB)?.revision).toBe(1);
  });

  it('evicts the least recently used stream beyond its capacity (a get counts as a use)', () => {
    const cache = new StreamStateCache(2);
    cache.put('a', entry(0));
    cache.put('b', entry(0));
    expect(cache.get('a', foldA)).toBeDefined();
    cache.put('c', entry(0));
    expect(cache.size).toBe(2);
    expect(cache.has('b')).toBe(false);
    expect(cache.has('a')).toBe(true);
    expect(cache.has('c')).toBe(true);
  });

  it('drop forgets a stream; capacity 0 keeps nothing', () => {
    const cache = new StreamStateCache(2);
    cache.put('a', entry(0));
    cache.drop('a');
    expect(cache.get('a', foldA)).toBeUndefined();
    const off = new StreamStateCache(0);
    off.put('a', entry(0));
    expect(off.size).toBe(0);
  });
});
