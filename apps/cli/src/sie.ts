/** The SIE export is the application's (libs/application/src/exports/sie.ts), shared with GET /api/exports/sie/:year. */
export {
  cp437Decode,
  cp437Encode,
  postingsOf,
  SIE_COMPANY,
  SIE_PROGRAM,
  sieAmount,
  sieExport,
  sieLines,
  sieText,
  type SieOptions,
  type SieView,
} from '../../../libs/application/src';
