/** The 17 parties of Värmlandsrådet, identified by their SCB codes. */
export type PartyKind = 'region' | 'municipality';

export interface Party {
  readonly id: PartyId;
  readonly name: string;
  readonly kind: PartyKind;
  readonly code: string;
}

export const PARTY_IDS = [
  '17', '1715', '1730', '1737', '1760', '1761', '1762', '1763', '1764',
  '1765', '1766', '1780', '1781', '1782', '1783', '1784', '1785',
] as const;

export type PartyId = (typeof PARTY_IDS)[number];

const NAMES: Record<PartyId, string> = {
  '17': 'Region Värmland',
  '1715': 'Kil',
  '1730': 'Eda',
  '1737': 'Torsby',
  '1760': 'Storfors',
  '1761': 'Hammarö',
  '1762': 'Munkfors',
  '1763': 'Forshaga',
  '1764': 'Grums',
  '1765': 'Årjäng',
  '1766': 'Sunne',
  '1780': 'Karlstad',
  '1781': 'Kristinehamn',
  '1782': 'Filipstad',
  '1783': 'Hagfors',
  '1784': 'Arvika',
  '1785': 'Säffle',
};

export const PARTIES: readonly Party[] = PARTY_IDS.map((id) => ({
  id,
  name: NAMES[id],
  kind: id === '17' ? 'region' : 'municipality',
  code: id,
}));

export const isPartyId = (value: unknown): value is PartyId =>
  typeof value === 'string' && (PARTY_IDS as readonly string[]).includes(value);

export const partyName = (id: PartyId): string => NAMES[id];
