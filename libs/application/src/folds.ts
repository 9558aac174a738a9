import { emptyFund, evolve, evolveFund, type Fund, type FundEvent, type InitiativeEvent, type InitiativeState } from '@dgr/domain';
import type { Fold } from './stream-writer';

export const initiativeFold: Fold<InitiativeState, InitiativeEvent> = { initial: null, evolve };
export const fundFold: Fold<Fund, FundEvent> = { initial: emptyFund, evolve: evolveFund };
