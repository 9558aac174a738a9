/**
 * A tiny, valid one-page PDF (PDF 1.4: catalog, pages, one page, Helvetica in WinAnsiEncoding, one content
 * stream, a cross-reference table with exact byte offsets). For the demo history's minutes extracts and the
 * tests: no dependency, and the same lines always give the same bytes (hence the same SHA-256).
 * Text is Latin-1 (å, ä, ö and é are in WinAnsiEncoding); other characters become '?'.
 */
const latin1 = (text: string): string => text.replace(/[^\x20-\x7e\xa0-\xff]/g, '?');

const escapeText = (text: string): string => latin1(text).replace(/[\\()]/g, (c) => `\\${c}`);

export const tinyPdf = (lines: readonly string[], title = 'Protokollsutdrag'): Buffer => {
  const content = [
    'BT',
    '/F1 16 Tf',
    '56 780 Td',
    `(${escapeText(title)}) Tj`,
    '/F1 11 Tf',
    '0 -28 Td',
    ...lines.flatMap((line) => [`(${escapeText(line)}) Tj`, '0 -16 Td']),
    'ET',
  ].join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    `<< /Title (${escapeText(title)}) /Producer (DGR) >>`,
  ];
  let body = '%PDF-1.4\n%\xe5\xe4\xf6\xc5\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
};
