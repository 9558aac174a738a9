/** The API's codes in the Swedish the pages show. */
import type { InitiativeStatus, NotFinalReason } from '@dgr/domain';

export const STATUS_TEXT: Record<InitiativeStatus, string> = {
  open: 'Öppet',
  consensus: 'Konsensus',
  blocked: 'Blockerat',
  lapsed: 'Förfallet',
  cancelled: 'Återkallat',
};

export const STATUS_ORDER: readonly InitiativeStatus[] = ['open', 'consensus', 'blocked', 'lapsed', 'cancelled'];

export const isStatus = (value: unknown): value is InitiativeStatus =>
  typeof value === 'string' && (STATUS_ORDER as readonly string[]).includes(value);

export const OUTCOME_TEXT: Record<'approved' | 'rejected', string> = { approved: 'Godkänt', rejected: 'Avslaget' };

export const NOT_FINAL_TEXT: Record<NotFinalReason, string> = {
  'no-notice': 'anslag saknas',
  'appeal-window': 'överklagandetiden löper',
  'appeal-pending': 'överklagat, väntar på dom',
};

export const RECOMMENDATION_TEXT: Record<string, string> = {
  approve: 'tillstyrker',
  reject: 'avstyrker',
  none: 'ingen rekommendation',
};

export const BOOKING_TEXT: Record<'FundDeposited' | 'FundWithdrawn' | 'FundReturned', string> = {
  FundDeposited: 'Insättning',
  FundWithdrawn: 'Utbetalning',
  FundReturned: 'Återföring',
};
