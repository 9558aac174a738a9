import { wordDiff, wordsOf } from './word-diff';

const joined = (parts: ReturnType<typeof wordDiff>, without: 'removed' | 'added'): string =>
  parts.filter((p) => p.kind !== without).map((p) => p.text).join('');

describe('the word diff of two versions', () => {
  it('keeps the common words and marks the removed and the added ones', () => {
    expect(wordDiff('Sökt belopp 5 000 000 kr för 2026.', 'Sökt belopp 4 000 000 kr för 2026 och 2027.')).toEqual([
      { kind: 'same', text: 'Sökt belopp ' },
      { kind: 'removed', text: '5' },
      { kind: 'added', text: '4' },
      { kind: 'same', text: ' 000 000 kr för ' },
      { kind: 'removed', text: '2026.' },
      { kind: 'added', text: '2026 och 2027.' },
    ]);
  });

  it('gives back each text exactly: the parts without the added ones are the first, without the removed ones the second', () => {
    const before = 'En plattform där arbetsgivare och utbildare\ni hela länet möts.';
    const after = 'En gemensam plattform där arbetsgivare, utbildare och kommuner\ni hela Värmland möts.';
    const parts = wordDiff(before, after);
    expect(joined(parts, 'added')).toBe(before);
    expect(joined(parts, 'removed')).toBe(after);
  });

  it('two equal texts are one unchanged part; from or to nothing, all added or all removed', () => {
    expect(wordDiff('Samma text.', 'Samma text.')).toEqual([{ kind: 'same', text: 'Samma text.' }]);
    expect(wordDiff('', 'Ny text')).toEqual([{ kind: 'added', text: 'Ny text' }]);
    expect(wordDiff('Gammal', '')).toEqual([{ kind: 'removed', text: 'Gammal' }]);
    expect(wordsOf('  två  ord ')).toEqual(['  ', 'två', '  ', 'ord', ' ']);
  });
});
