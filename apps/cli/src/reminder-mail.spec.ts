import type { PartyReminder } from '@dgr/application';
import { daysLeftText, reminderMail, reminderSubject } from './reminder-mail';

const waiting = (title: string, daysLeft: number) => ({ initiativeId: `id-${title}`, title, decisionDeadline: '2024-12-31', daysLeft });
const missing = (title: string) => ({ initiativeId: `id-${title}`, title, decidedOn: '2024-04-15', missing: ['noticePostedOn'] as const });
const reminder = (overrides: Partial<PartyReminder> = {}): PartyReminder => ({
  party: '1765',
  partyName: 'Årjäng',
  contact: 'kommun@arjang.se',
  waitingForDecision: [],
  missingMinutesOrNotice: [],
  ...overrides,
});

describe('the reminder e-mail (Swedish)', () => {
  it('counts the days left in Swedish', () => {
    expect([0, 1, 2, 41].map(daysLeftText)).toEqual(['sista dagen i dag', '1 dag kvar', '2 dagar kvar', '41 dagar kvar']);
  });

  it('says in the subject what is waiting and what lacks dates', () => {
    expect(reminderSubject(reminder({ waitingForDecision: [waiting('A', 3)] }))).toBe('DGR: 1 initiativ väntar på beslut från Årjäng');
    expect(reminderSubject(reminder({ missingMinutesOrNotice: [missing('A'), missing('B')] }))).toBe(
      'DGR: 2 beslut från Årjäng saknar datum för justering eller anslag',
    );
    expect(reminderSubject(reminder({ waitingForDecision: [waiting('A', 3), waiting('B', 4)], missingMinutesOrNotice: [missing('C')] }))).toBe(
      'DGR: 2 initiativ väntar på beslut från Årjäng, 1 beslut saknar datum för justering eller anslag',
    );
  });

  it('lists each initiative with its deadline and days left, and each decision with what it lacks', () => {
    const { text } = reminderMail(reminder({ waitingForDecision: [waiting('Kompetens', 1)], missingMinutesOrNotice: [missing('E-arkiv')] }), '2024-12-30');
    expect(text).toContain('till Årjäng per 2024-12-30');
    expect(text).toContain('Initiativ som väntar på beslut från Årjäng (1):\n\n  - Kompetens\n    Sista beslutsdag: 2024-12-31 (1 dag kvar)\n    Initiativ-id: id-Kompetens\n');
    expect(text).toContain('  - E-arkiv\n    Beslutat: 2024-04-15. Saknas: datum för anslag om justeringen\n');
    expect(text.endsWith('DGR (automatiskt utskick)\n')).toBe(true);
  });

  it('writes a title on its one line, its bidi controls and zero-width characters visible (issue 17, item 9)', () => {
    const title = 'Kompetens\nSista beslutsdag: 2099-12-31 \u202Egnilatöb\u202C\u200B';
    const { text } = reminderMail(reminder({ waitingForDecision: [{ ...waiting(title, 1), initiativeId: 'id-1' }], missingMinutesOrNotice: [{ ...missing(title), initiativeId: 'id-2' }] }), '2024-12-30');
    expect(text).toContain('  - Kompetens Sista beslutsdag: 2099-12-31 [U+202E]gnilatöb[U+202C][U+200B]\n    Sista beslutsdag: 2024-12-31');
    expect(text).toContain('  - Kompetens Sista beslutsdag: 2099-12-31 [U+202E]gnilatöb[U+202C][U+200B]\n    Beslutat: 2024-04-15');
    expect(text).not.toMatch(/[\u202A-\u202E\u200B]/);
  });

  it('tells a party that decided an earlier version to decide again, naming the new version and what changed (issue 15)', () => {
    const again = { ...waiting('Kompetens', 5), decideAgain: { decidedVersion: 1, currentVersion: 2, textHash: 'abc', changes: ['summary', 'requestedAmountOre'] as const } };
    const { text } = reminderMail(reminder({ waitingForDecision: [again] }), '2024-12-26');
    expect(text).toContain(
      '  - Kompetens\n    Förslaget har reviderats: Årjäng beslutade om version 1, som inte längre gäller.\n' +
        '    Besluta på nytt om version 2 (texthash abc). Ändrat: sammanfattning, sökt belopp.\n    Sista beslutsdag: 2024-12-31',
    );
    expect(reminderMail(reminder({ waitingForDecision: [waiting('Kompetens', 5)] }), '2024-12-26').text).not.toContain('reviderats');
  });

  it('leaves out a section with nothing in it', () => {
    const { text } = reminderMail(reminder({ waitingForDecision: [waiting('Kompetens', 5)] }), '2024-12-26');
    expect(text).not.toContain('saknar datum');
    expect(text).not.toContain('laga kraft');
  });
});
