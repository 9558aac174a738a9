/** Money is integer öre (1 krona = 100 öre), never floating point. */
export type Ore = number;

export const isOre = (value: unknown): value is Ore =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** Swedish notation: 20 000 000 000 öre → "200 000 000,00 kr". */
export const formatOre = (ore: Ore): string => {
  const sign = ore < 0 ? '−' : '';
  const abs = Math.abs(ore);
  const kronor = Math.floor(abs / 100);
  const rest = String(abs % 100).padStart(2, '0');
  const grouped = String(kronor).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return `${sign}${grouped},${rest} kr`;
};

export const MSEK = 100_000_000;
