import type { FundEvent } from './fund.events';
import type { InitiativeEvent } from '../initiative/initiative.events';
import type { InitiativeState } from '../initiative/initiative.state';
import { MSEK } from '../money';
import { PARTY_IDS } from '../parties';
import { allSeventeenApprove, at, awardCmd, deposited, fundSpec, granted, initiativeAfter, KIL, proposed, SAFFLE } from '../testing/fixtures';
import { appealDecided, appealLodged, minutesRecorded } from '../testing/legal-fixtures';
import type { AwardGrant } from './fund.commands';
import { awardGrant, type GrantPolicy } from './fund.decide';
import { ConsensusNotFinal } from './fund.errors';
import type { Fund } from './fund.state';

/*
 * DGR_REQUIRE_FINAL_CONSENSUS: grants wait until the consensus is final (laga kraft) as of the grant's date.
 * The standard initiative: all 17 approve on 2026-05-01, minutes approved 2026-05-08, notice posted on
 * 2026-05-11: the windows end on Monday 2026-06-01, so the consensus is final from 2026-06-02.
 */
const STRICT: GrantPolicy = { requireFinalConsensus: true };
const funded: FundEvent[] = [deposited(10 * MSEK, '2026-01-15')];

const noticed = (except: string[] = []): InitiativeEvent[] =>
  PARTY_IDS.filter((p) => !except.includes(p)).map((p) =>
    minutesRecorded(p, { minutesApprovedOn: '2026-05-08', noticePostedOn: '2026-05-11' }),
  );
const withConsensus = (...more: InitiativeEvent[]) => initiativeAfter(proposed(), ...allSeventeenApprove('2026-05-01'), ...more);

const grantSpec = (initiative: InitiativeState, policy?: GrantPolicy) =>
  fundSpec((c: AwardGrant, f: Fund) => awardGrant(c, f, initiative, policy));

describe('awardGrant under DGR_REQUIRE_FINAL_CONSENSUS=true', () => {
  it('refuses a grant while the appeal windows are open, naming the parties and until when', () => {
    grantSpec(withConsensus(...noticed()), STRICT)(funded)
      .when(awardCmd({ decidedOn: '2026-06-01' }))
      .thenThrows(
        ConsensusNotFinal,
        /^Initiativets konsensus har inte vunnit laga kraft per 2026-06-01.*Region Värmland: överklagandetiden löper till och med 2026-06-01 \(laga kraft tidigast 2026-06-02\).*Säffle: överklagandetiden löper till och med 2026-06-01/,
      );
  });

  it('grants from the day the consensus is final', () => {
    grantSpec(withConsensus(...noticed()), STRICT)(funded)
      .when(awardCmd({ decidedOn: '2026-06-02' }))
      .then([granted(3 * MSEK, '2026-06-02')]);
  });

  it('refuses while a party has no notice recorded, and names only that party', () => {
    grantSpec(withConsensus(...noticed([KIL])), STRICT)(funded)
      .when(awardCmd({ decidedOn: '2026-06-10' }))
      .thenThrows(ConsensusNotFinal, /Inte slutliga beslut: Kil: anslag av justerat protokoll är inte registrerat[^;]*\.$/);
  });

  it('refuses while an appeal is pending', () => {
    grantSpec(withConsensus(...noticed(), appealLodged(SAFFLE, '2026-05-20')), STRICT)(funded)
      .when(awardCmd({ decidedOn: '2026-06-10' }))
      .thenThrows(ConsensusNotFinal, /Säffle: ett överklagande är inte avgjort\.$/);
  });

  it('grants once the appeal is upheld, from the day after the judgment', () => {
    const initiative = withConsensus(...noticed(), appealLodged(SAFFLE, '2026-05-20'), appealDecided(SAFFLE, 'upheld', '2026-06-05'));
    grantSpec(initiative, STRICT)(funded).when(awardCmd({ decidedOn: '2026-06-05' })).thenThrows(ConsensusNotFinal, /Säffle: överklagandet avgjordes 2026-06-05/);
    grantSpec(initiative, STRICT)(funded).when(awardCmd({ decidedOn: '2026-06-06' })).then([granted(3 * MSEK, '2026-06-06')]);
  });

  it('without the setting (the default), grants on consensus alone', () => {
    grantSpec(withConsensus())(funded).when(awardCmd({ decidedOn: '2026-05-10' })).then([granted(3 * MSEK, '2026-05-10')]);
    grantSpec(withConsensus(), { requireFinalConsensus: false })(funded)
      .when(awardCmd({ decidedOn: '2026-05-10' }, at('2026-06-15T10:00:00Z')))
      .then([granted(3 * MSEK, '2026-05-10')]);
  });
});
