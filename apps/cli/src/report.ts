import type { INestApplicationContext } from '@nestjs/common';
import { writeFileSync } from 'node:fs';
import { annualReportFor, annualReportHtml, annualReportMarkdown, AuditService, Queries } from '@dgr/application';

/**
 * `dgr report --year Y [--format md|html|json] [--out FILE]`: the annual report to Värmlandsrådet, the
 * same as GET /api/reports/annual/:year, from the log on this machine.
 */
export const reportCommand = async (
  app: INestApplicationContext,
  year: number,
  format: 'md' | 'html' | 'json',
  out: string | undefined,
): Promise<void> => {
  const report = await annualReportFor(app.get(Queries), app.get(AuditService), year);
  const text =
    format === 'md' ? annualReportMarkdown(report) : format === 'html' ? annualReportHtml(report) : JSON.stringify(report, null, 2) + '\n';
  if (out) writeFileSync(out, text, 'utf8');
  else process.stdout.write(text);
};
