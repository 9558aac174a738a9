import type { CalendarDate } from '../calendar';
import type { Command } from '../initiative/initiative.commands';
import type { Ore } from '../money';

export type DepositToFund = Command<
  'DepositToFund',
  { amountOre: Ore; source: string; bookedOn: CalendarDate; reference: string }
>;

export type AwardGrant = Command<
  'AwardGrant',
  { initiativeId: string; amountOre: Ore; decidedOn: CalendarDate; reference: string }
>;

export type WithdrawFromFund = Command<
  'WithdrawFromFund',
  { initiativeId: string; amountOre: Ore; bookedOn: CalendarDate; reference: string }
>;

export type ReturnToFund = Command<
  'ReturnToFund',
  { initiativeId: string; amountOre: Ore; bookedOn: CalendarDate; reason: string }
>;

export type CloseYear = Command<'CloseYear', { year: number }>;
