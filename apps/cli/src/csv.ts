import { csvSeparatorOf } from '../../../libs/application/src';
import { ExportError } from './export-error';

/** The CSV exports are the application's (libs/application/src/exports/csv.ts), shared with GET /api/exports/…csv. */
export {
  CSV_WHATS,
  csvExport,
  csvField,
  DECISION_COLUMNS,
  INITIATIVE_COLUMNS,
  kronor,
  LEDGER_COLUMNS,
  type CsvOptions,
  type CsvView,
  type CsvWhat,
} from '../../../libs/application/src';

/** Checks a `--separator` value; `tab` and `\t` mean a tab. */
export const parseSeparator = (value: string | undefined): string => {
  const separator = csvSeparatorOf(value);
  if (separator === null) throw new ExportError(`--separator must be "," or ";" or "tab", got "${value}"`);
  return separator;
};
