import { days, escapeHtml, html, join, kronor, kronorInput, longDate, raw, swedishDateTime, wholeKronor } from './html';

describe('html', () => {
  it('escapes every interpolation, in text and in attributes', () => {
    const title = '<script>alert("x")</script> & \'citat\'';
    expect(html`<a title="${title}">${title}</a>`.value).toBe(
      '<a title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;citat&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;citat&#39;</a>',
    );
  });

  it('inserts fragments it made itself and raw() ones as they are; joins lists; omits null, undefined and false', () => {
    const item = (s: string) => html`<li>${s}</li>`;
    expect(html`<ul>${['a<', 'b'].map(item)}</ul>${null}${undefined}${false}${raw('<hr>')}${0}`.value).toBe('<ul><li>a&lt;</li><li>b</li></ul><hr>0');
    expect(join([html`<b>`, 'x&y', html`</b>`]).value).toBe('<b>x&amp;y</b>');
  });

  it('makes bidi controls and zero-width characters visible in every interpolation, text and attribute (issue 17, item 9)', () => {
    const title = 'Till \u202Egnilatöb\u202C och\u200Bdolt\u2066x\u2069\uFEFF';
    const shown = 'Till [U+202E]gnilatöb[U+202C] och[U+200B]dolt[U+2066]x[U+2069][U+FEFF]';
    expect(html`<td title="${title}">${title}</td>`.value).toBe(`<td title="${shown}">${shown}</td>`);
    expect(join([title]).value).toBe(shown);
    expect(escapeHtml('\u200E\u200F\u061C\u202A\u202B\u202D\u2067\u2068\u200C\u200D\u2060')).toBe(
      '[U+200E][U+200F][U+061C][U+202A][U+202B][U+202D][U+2067][U+2068][U+200C][U+200D][U+2060]',
    );
  });

  it('escapeHtml leaves ordinary Swedish text alone', () => {
    expect(escapeHtml('Årjäng – § 112')).toBe('Årjäng – § 112');
  });
});

describe('Swedish formatters', () => {
  it('dates: ISO days as they are, long dates with the month in words', () => {
    expect(longDate('2026-12-02')).toBe('2 december 2026');
    expect(longDate('2025-01-31')).toBe('31 januari 2025');
    expect(longDate('not a date')).toBe('not a date');
  });

  it('a recorded instant as the time in Sweden (summer and winter time)', () => {
    expect(swedishDateTime('2025-06-15T10:00:00.000Z')).toBe('2025-06-15 12:00');
    expect(swedishDateTime('2025-12-31T23:30:00.000Z')).toBe('2026-01-01 00:30');
    expect(swedishDateTime(null)).toBe('–');
  });

  it('amounts from integer öre: grouped kronor with decimal comma', () => {
    expect(kronor(123_456_789)).toBe('1 234 567,89 kr');
    expect(kronor(0)).toBe('0,00 kr');
    expect(kronor(-125_000_050)).toBe('−1 250 000,50 kr');
    expect(wholeKronor(18_800_000_049)).toBe('188 000 000 kr');
    expect(kronorInput(125_000_050)).toBe('1250000,50');
    expect(kronorInput(300_000_000)).toBe('3000000');
  });

  it('days', () => {
    expect(days(1)).toBe('1 dag');
    expect(days(199)).toBe('199 dagar');
  });
});
