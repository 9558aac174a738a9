import { csvSeparatorOf } from '@dgr/application';
import { ExportError } from './export-error';

/** Checks a `--separator` value; `tab` and `\t` mean a tab. (The CSV export itself is libs/application/src/exports/csv.ts.) */
export const parseSeparator = (value: string | undefined): string => {
  const separator = csvSeparatorOf(value);
  if (separator === null) throw new ExportError(`--separator must be "," or ";" or "tab", got "${value}"`);
  return separator;
};
