import { looksLikePdf } from '@dgr/domain';
import { tinyPdf } from './tiny-pdf';

/** Reads the cross-reference table the way a PDF reader starts: from `startxref` at the end. */
const objectsByXref = (pdf: Buffer): Map<number, string> => {
  const text = pdf.toString('latin1');
  const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)![1]);
  const table = text.slice(startxref);
  const [, first, count] = /^xref\n(\d+) (\d+)\n/.exec(table)!;
  const rows = table.split('\n').slice(2, 2 + Number(count));
  const found = new Map<number, string>();
  rows.forEach((row, i) => {
    const [offset, , kind] = row.trim().split(' ');
    if (kind === 'n') found.set(Number(first) + i, text.slice(Number(offset), Number(offset) + 12));
  });
  return found;
};

describe('tinyPdf', () => {
  it('is a PDF whose cross-reference table points at every object exactly', () => {
    const pdf = tinyPdf(['Kommunfullmäktige i Karlstad, § 112 (bifall)', 'Justerat 2026-05-08 \\ (anslaget)']);
    expect(looksLikePdf(pdf)).toBe(true);
    const objects = objectsByXref(pdf);
    expect([...objects.keys()]).toEqual([1, 2, 3, 4, 5, 6]);
    for (const [n, start] of objects) expect(start.startsWith(`${n} 0 obj\n`)).toBe(true);
  });

  it('declares the content stream’s exact length, and keeps Swedish letters and escapes parentheses', () => {
    const pdf = tinyPdf(['Säffle (§ 4) å ä ö']).toString('latin1');
    const [, length, stream] = /<< \/Length (\d+) >>\nstream\n([\s\S]*?)\nendstream/.exec(pdf)!;
    expect(Buffer.byteLength(stream!, 'latin1')).toBe(Number(length));
    expect(stream).toContain('(Säffle \\(§ 4\\) å ä ö) Tj');
  });

  it('gives the same bytes for the same lines', () => {
    expect(tinyPdf(['a']).equals(tinyPdf(['a']))).toBe(true);
    expect(tinyPdf(['a']).equals(tinyPdf(['b']))).toBe(false);
  });
});
