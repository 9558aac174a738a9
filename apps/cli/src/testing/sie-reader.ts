import { cp437Decode } from '@dgr/application';

/*
 * A strict SIE 4 reader, written for the tests, independent of the writer: it reads a line field by field as
 * the format has it (fields apart by spaces or tabs; a text in "…" with \" and \\ inside; an object list in
 * {…}; anything else a bare word up to the next space) and refuses what a lenient reader would guess at: a
 * quote or a brace inside a bare word, a text not followed by a space or the line's end, an unterminated text
 * or list, a control character.
 */

/** The fields of one SIE line (a text without its quotes and escapes, a list with its braces). */
export const sieFields = (line: string): string[] => {
  const bad = [...line].find((c) => c.charCodeAt(0) < 0x20 || c === '\u007f');
  if (bad !== undefined) throw new Error(`a control character U+${bad.charCodeAt(0).toString(16).padStart(4, '0')} in ${JSON.stringify(line)}`);
  const fields: string[] = [];
  let i = 0;
  const endOfField = (): void => {
    if (i < line.length && line[i] !== ' ' && line[i] !== '\t') throw new Error(`a field runs on into ${JSON.stringify(line.slice(i))} in ${JSON.stringify(line)}`);
  };
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') {
      i += 1;
    } else if (c === '"') {
      let text = '';
      i += 1;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\') {
          i += 1;
          if (i >= line.length) throw new Error(`a backslash ends ${JSON.stringify(line)}`);
        }
        text += line[i];
        i += 1;
      }
      if (line[i] !== '"') throw new Error(`an unterminated text in ${JSON.stringify(line)}`);
      i += 1;
      endOfField();
      fields.push(text);
    } else if (c === '{') {
      const start = i;
      i += 1;
      while (i < line.length && line[i] !== '}') {
        if (line[i] === '"') {
          i += 1;
          while (i < line.length && line[i] !== '"') i += line[i] === '\\' ? 2 : 1;
        }
        if (line[i] === '{') throw new Error(`a list inside a list in ${JSON.stringify(line)}`);
        i += 1;
      }
      if (line[i] !== '}') throw new Error(`an unterminated list in ${JSON.stringify(line)}`);
      i += 1;
      endOfField();
      fields.push(line.slice(start, i));
    } else {
      let word = '';
      while (i < line.length && line[i] !== ' ' && line[i] !== '\t') {
        if ('"{}'.includes(line[i]!)) throw new Error(`a ${line[i]} inside the bare word in ${JSON.stringify(line)}`);
        word += line[i++];
      }
      fields.push(word);
    }
  }
  return fields;
};

export interface SieVoucher {
  /** The #VER line's fields after the label. */
  readonly fields: string[];
  /** Each #TRANS line's fields after the label. */
  readonly trans: string[][];
}

/** A file's bytes (CP437, CRLF) as its labelled lines and its vouchers, every line read field by field. */
export const readSie = (bytes: Uint8Array): { lines: string[][]; vouchers: SieVoucher[] } => {
  const text = cp437Decode(bytes);
  if (!text.endsWith('\r\n')) throw new Error('the file does not end with CRLF');
  const raw = text.slice(0, -2).split('\r\n');
  const lines: string[][] = [];
  const vouchers: SieVoucher[] = [];
  for (let i = 0; i < raw.length; i++) {
    const fields = sieFields(raw[i]!);
    lines.push(fields);
    if (fields[0] !== '#VER') continue;
    if (raw[i + 1] !== '{') throw new Error(`#VER without { on the next line: ${JSON.stringify(raw[i])}`);
    const voucher: SieVoucher = { fields: fields.slice(1), trans: [] };
    for (i += 2; i < raw.length && raw[i] !== '}'; i++) {
      const t = sieFields(raw[i]!);
      if (t[0] !== '#TRANS') throw new Error(`not a #TRANS line inside a voucher: ${JSON.stringify(raw[i])}`);
      voucher.trans.push(t.slice(1));
    }
    if (raw[i] !== '}') throw new Error('a voucher without its }');
    vouchers.push(voucher);
  }
  return { lines, vouchers };
};
