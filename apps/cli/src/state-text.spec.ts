import { terminalText } from './state-text';

describe('terminalText', () => {
  it('makes an escape sequence visible instead of letting the terminal run it', () => {
    expect(terminalText('Bredband\u001b[2K\u001b[1A Kil')).toBe('Bredband[U+001B][2K[U+001B][1A Kil');
  });

  it('makes C1 controls, DEL, newlines and bidi overrides visible', () => {
    expect(terminalText('a\u009bb\u007fc\nd\u202Ee')).toBe('a[U+009B]b[U+007F]c[U+000A]d[U+202E]e');
  });

  it('leaves Swedish text as it is', () => {
    expect(terminalText('Återföring till Säffle – 2 000 kr §')).toBe('Återföring till Säffle – 2 000 kr §');
  });
});
