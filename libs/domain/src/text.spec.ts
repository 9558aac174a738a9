import { hasInvisibleControl, invisibleControlsOf, visibleText } from './text';

/** Issue 17, item 9: every bidi control and zero-width character named there. */
const INVISIBLE = [
  0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff,
].map((cp) => String.fromCodePoint(cp));

describe('invisible controls', () => {
  it.each(INVISIBLE.map((c) => [`U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`, c]))('makes %s visible and finds it', (name, c) => {
    expect(visibleText(`a${c}b${c}`)).toBe(`a[${name}]b[${name}]`);
    expect(hasInvisibleControl(`x${c}`)).toBe(true);
    expect(invisibleControlsOf(`x${c}y${c}`)).toEqual([name]);
  });

  it('shows the reversed payee for what it is', () => {
    expect(visibleText('Till \u202Egnilatöb\u202C AB')).toBe('Till [U+202E]gnilatöb[U+202C] AB');
  });

  it('leaves every other character as it is: Swedish text, emoji, other scripts, line breaks', () => {
    const text = 'Årjäng – § 112 "citat" <b> | \\ ø € 😀 مرحبا שלום\n\t\u00ad\u2028';
    expect(visibleText(text)).toBe(text);
    expect(hasInvisibleControl(text)).toBe(false);
    expect(invisibleControlsOf(text)).toEqual([]);
  });

  it('keeps no state between calls (the pattern is global)', () => {
    expect([hasInvisibleControl('\u200b'), hasInvisibleControl('\u200b'), hasInvisibleControl('a')]).toEqual([true, true, false]);
  });
});
