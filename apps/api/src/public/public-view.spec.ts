import { publicBooking, publicDecision, recordedByOf } from './public-view';

describe('the public view leaves out what the purpose does not need', () => {
  it('names who recorded an event by organisation and role, never by name or subject', () => {
    expect(recordedByOf({ sub: 'kk-77', name: 'Karin Karlsson', role: 'clerk', party: '1780' })).toBe('Karlstads kommun, registrator');
    expect(recordedByOf({ sub: 'x', name: 'Sara Sekreterare', role: 'secretariat' })).toBe('Värmlandsrådets sekretariat');
    expect(recordedByOf({ sub: 'x', name: 'Erik Ekonom', role: 'finance' })).toBe('Region Värmland, ekonomi');
    expect(recordedByOf({ sub: 'dgr-seed-demo', name: 'Demodata (dgr seed-demo)', role: 'system' })).toBe('Region Värmland, DGR-tjänsten');
    expect(recordedByOf(null)).toBe('okänd');
  });

  it('keeps a corrected decision’s earlier version, not the correction’s reason', () => {
    const previous = { party: '1780', outcome: 'rejected', decidedOn: '2024-04-14', body: 'kommunfullmäktige', minuteReference: '§ 4', caseNumber: null } as const;
    const d = publicDecision({
      party: '1780',
      partyName: 'Karlstad',
      outcome: 'approved',
      decidedOn: '2024-04-15',
      body: 'kommunfullmäktige',
      minuteReference: '§ 5',
      caseNumber: 'KS-1',
      registeredAt: '2024-04-20T08:00:00.000Z',
      countsTowardsConsensus: true,
      notCountedReason: null,
      proposalVersion: 1,
      textHash: 'x',
      corrections: [{ reason: 'Fel enligt Karin Karlsson', correctedAt: '2024-04-21T23:30:00.000Z', previous }],
      minutesApprovedOn: null,
      noticePostedOn: null,
      appealEndsOn: null,
      finalOn: null,
      final: false,
      notFinal: { reason: 'no-notice', until: null },
      annulledOn: null,
      minutesLate: false,
      appeals: [],
      evidence: null,
    });
    expect(d.earlierVersions).toEqual([{ outcome: 'rejected', decidedOn: '2024-04-14', body: 'kommunfullmäktige', minuteReference: '§ 4', caseNumber: null, replacedOn: '2024-04-22' }]);
    expect(d.partyName).toBe('Karlstads kommun');
    expect(JSON.stringify(d)).not.toMatch(/Karin|registeredAt|2024-04-20T/);
  });

  it('shows a return without its reason, a deposit with its source', () => {
    const row = { position: 9, bookedOn: '2024-12-01', amountOre: 100, balanceAfterOre: 500, initiativeId: 'i', recordedAt: '2024-12-02T10:00:00.000Z' };
    expect(publicBooking({ ...row, type: 'FundReturned', source: null, reference: null, reason: 'Enligt Sixten' })).toEqual({
      position: 9, type: 'FundReturned', bookedOn: '2024-12-01', amountOre: 100, balanceAfterOre: 500, initiativeId: 'i', source: null, reference: null,
    });
    expect(publicBooking({ ...row, initiativeId: null, type: 'FundDeposited', source: 'Region Värmland', reference: 'Ver 1', reason: null })).toMatchObject({ source: 'Region Värmland', reference: 'Ver 1' });
  });
});
