import type { DecideAgain, MissingDate, PartyReminder } from '@dgr/application';
import { BASIS_FIELD_NAMES, visibleText } from '@dgr/domain';

/** One reminder e-mail, in Swedish, as plain text. */
export interface ReminderMail {
  readonly subject: string;
  readonly text: string;
}

const MISSING_NAMES: Record<MissingDate, string> = {
  minutesApprovedOn: 'datum för justering av protokollet',
  noticePostedOn: 'datum för anslag om justeringen',
};

/** "41 dagar kvar", "1 dag kvar", "sista dagen i dag". */
export const daysLeftText = (daysLeft: number): string =>
  daysLeft <= 0 ? 'sista dagen i dag' : daysLeft === 1 ? '1 dag kvar' : `${daysLeft} dagar kvar`;

/** "DGR: 3 initiativ väntar på beslut från Karlstad" (and/or the decisions lacking dates). */
export const reminderSubject = (r: PartyReminder): string => {
  const waiting = r.waitingForDecision.length;
  const missing = r.missingMinutesOrNotice.length;
  const parts: string[] = [];
  if (waiting > 0) parts.push(`${waiting} initiativ väntar på beslut från ${r.partyName}`);
  if (missing > 0)
    parts.push(
      waiting > 0
        ? `${missing} beslut saknar datum för justering eller anslag`
        : `${missing} beslut från ${r.partyName} saknar datum för justering eller anslag`,
    );
  return `DGR: ${parts.join(', ')}`;
};

/**
 * A title on one line of the mail, as a person should see it: line breaks as spaces (a title cannot add lines
 * that look like the service's own), bidi controls and zero-width characters made visible (issue 17, item 9).
 */
const mailText = (text: string): string => visibleText(text.replace(/\r\n|[\r\n\u2028\u2029]/g, ' '));


/** A party that decided an earlier version (issue 15): which, the version to decide on now, and what changed. */
const decideAgainLines = (partyName: string, d: DecideAgain): string[] => [
  `    Förslaget har reviderats: ${partyName} beslutade om version ${d.decidedVersion}, som inte längre gäller.`,
  `    Besluta på nytt om version ${d.currentVersion} (texthash ${d.textHash}). Ändrat: ${d.changes.map((c) => BASIS_FIELD_NAMES[c]).join(', ')}.`,
];

/** The digest for one party as of a day: what is waiting for its decision, and what its decisions lack. */
export const reminderMail = (r: PartyReminder, asOf: string): ReminderMail => {
  const lines: string[] = [
    'Hej!',
    '',
    `Det här är en påminnelse från DGR, de gemensamma resurserna i Värmland, till ${r.partyName} per ${asOf}.`,
  ];
  if (r.waitingForDecision.length > 0) {
    lines.push('', `Initiativ som väntar på beslut från ${r.partyName} (${r.waitingForDecision.length}):`, '');
    for (const w of r.waitingForDecision) {
      lines.push(`  - ${mailText(w.title)}`);
      if (w.decideAgain) lines.push(...decideAgainLines(r.partyName, w.decideAgain));
      lines.push(`    Sista beslutsdag: ${w.decisionDeadline} (${daysLeftText(w.daysLeft)})`);
      lines.push(`    Initiativ-id: ${w.initiativeId}`);
    }
    lines.push(
      '',
      'Alla 17 parter måste fatta beslut senast sista beslutsdagen; saknas ett beslut då, faller initiativet.',
      'Ett beslut räknas efter den dag det fattades, inte efter den dag det registreras.',
    );
  }
  if (r.missingMinutesOrNotice.length > 0) {
    lines.push('', `Beslut från ${r.partyName} som saknar datum för justering eller anslag (${r.missingMinutesOrNotice.length}):`, '');
    for (const m of r.missingMinutesOrNotice) {
      lines.push(`  - ${mailText(m.title)}`);
      lines.push(`    Beslutat: ${m.decidedOn}. Saknas: ${m.missing.map((k) => MISSING_NAMES[k]).join(' och ')}`);
      lines.push(`    Initiativ-id: ${m.initiativeId}`);
    }
    lines.push('', 'Beslutet vinner laga kraft tre veckor efter anslaget, om det inte överklagas.');
  }
  lines.push(
    '',
    'Registrera beslut och datum i DGR. Har ni redan gjort det, bortse från det här meddelandet.',
    '',
    'Vänliga hälsningar',
    'DGR (automatiskt utskick)',
    '',
  );
  return { subject: reminderSubject(r), text: lines.join('\n') };
};
