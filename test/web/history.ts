/**
 * A small history for the browser tests, written through the API as the roles would (today is
 * 2025-06-15 in every e2e app): three years of deposits, a funded initiative with final consensus and
 * payments, a blocked one, an open one waiting for Karlstad, and one with fresh consensus not yet granted.
 */
import { HttpApp, PARTY_IDS, propose } from '../support/http-app';

export interface History {
  /** All 17 approved in 2023, final; granted 30 MSEK, 22 MSEK paid out. */
  readonly funded: string;
  /** Arvika rejected (2024). */
  readonly blocked: string;
  /** Open until 2025-12-31; eight parties approved, Karlstad (1780) and eight others have not decided. */
  readonly open: string;
  /** All 17 approved in May 2025 (no notices yet: not final); nothing granted. */
  readonly fresh: string;
}

const ok = async (what: string, answer: Promise<{ status: number; text: string }>): Promise<void> => {
  const res = await answer;
  if (res.status !== 201) throw new Error(`${what}: ${res.status} ${res.text}`);
};

const decide = async (
  app: HttpApp,
  id: string,
  parties: readonly string[],
  facts: (party: string) => Record<string, unknown>,
): Promise<void> => {
  for (const party of parties)
    await ok(
      `decision of ${party}`,
      app.post(`/api/initiatives/${id}/decisions`, {
        party,
        outcome: 'approved',
        body: party === '17' ? 'regionfullmäktige' : 'kommunfullmäktige',
        minuteReference: `§ ${40 + PARTY_IDS.indexOf(party as (typeof PARTY_IDS)[number])}`,
        caseNumber: `KS ${party}/12`,
        ...facts(party),
      }),
    );
};

export const seedHistory = async (app: HttpApp): Promise<History> => {
  const deposit = (amountOre: number, source: string, bookedOn: string, reference: string) =>
    ok('deposit', app.post('/api/fund/deposits', { amountOre, source, bookedOn, reference }));
  await deposit(5_500_000_000, 'Kommunalförbundet Region Värmland', '2022-01-20', 'Ver 2022-0007');
  await deposit(10_100_000_000, 'Värmlandstrafik AB', '2022-03-01', 'Ver 2022-0031');
  await deposit(4_400_000_000, 'Kommunalförbundet Region Värmland', '2023-02-01', 'Ver 2023-0012');

  const funded = await propose(app, {
    title: 'Kompetensplattform Värmland',
    summary: 'En gemensam plattform för kompetensförsörjning i hela länet.',
    proposedBy: '1780',
    proposedOn: '2023-02-01',
    requestedAmountOre: 3_000_000_000,
    decisionDeadline: '2023-12-31',
    coFinancing: [{ source: 'Tillväxtverket', amountOre: 500_000_000 }],
  });
  await decide(app, funded, PARTY_IDS, () => ({ decidedOn: '2023-05-15', minutesApprovedOn: '2023-05-22', noticePostedOn: '2023-05-23' }));
  await ok('grant', app.post(`/api/initiatives/${funded}/grant`, { amountOre: 3_000_000_000, decidedOn: '2023-09-01', reference: 'RS 2023/114' }));
  await ok('payment', app.post('/api/fund/withdrawals', { initiativeId: funded, amountOre: 1_200_000_000, bookedOn: '2023-10-02', reference: 'Ver 2023-0811' }));
  await ok('payment', app.post('/api/fund/withdrawals', { initiativeId: funded, amountOre: 1_000_000_000, bookedOn: '2024-03-01', reference: 'Ver 2024-0120' }));
  await ok('outcome report', app.post(`/api/initiatives/${funded}/outcome-reports`, { year: 2024, summary: '1 200 personer har validerat sina kunskaper.' }));
  await ok('close 2022', app.post('/api/fund/years/2022/close'));
  await ok('close 2023', app.post('/api/fund/years/2023/close'));

  const blocked = await propose(app, {
    title: 'Snabbtåg Karlstad–Oslo',
    summary: 'Förstudie om snabbare tåg mellan Karlstad och Oslo.',
    proposedBy: '1784',
    proposedOn: '2024-02-01',
    requestedAmountOre: 1_500_000_000,
    transportProgramme: true,
    strategyLinks: [{ area: 'Utveckla attraktiva platser', goal: 'Tillgänglig region' }],
    decisionDeadline: '2024-12-31',
  });
  await decide(app, blocked, PARTY_IDS.filter((p) => p !== '1784'), () => ({ decidedOn: '2024-04-15' }));
  await ok('rejection', app.post(`/api/initiatives/${blocked}/decisions`, { party: '1784', outcome: 'rejected', decidedOn: '2024-04-16', body: 'kommunfullmäktige', minuteReference: '§ 88' }));

  const open = await propose(app, {
    title: 'Digital infrastruktur i glesbygd',
    summary: 'Bredband och mobiltäckning där marknaden inte bygger.',
    proposedBy: '17',
    proposedOn: '2025-02-01',
    requestedAmountOre: 2_000_000_000,
    strategyLinks: [{ area: 'Utveckla attraktiva platser', goal: 'Attraktiva livsmiljöer' }],
    decisionDeadline: '2025-12-31',
  });
  await decide(app, open, ['17', '1715', '1730', '1737', '1760', '1761', '1762', '1763'], () => ({ decidedOn: '2025-04-10' }));

  const fresh = await propose(app, {
    title: 'Besöksnäringen i Värmland',
    summary: 'Gemensam marknadsföring av Värmland som besöksmål.',
    proposedBy: '1737',
    proposedOn: '2025-01-15',
    requestedAmountOre: 800_000_000,
    decisionDeadline: '2025-12-31',
  });
  await decide(app, fresh, PARTY_IDS, () => ({ decidedOn: '2025-05-05' }));
  return { funded, blocked, open, fresh };
};
