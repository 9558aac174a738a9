import { InvalidInput, yearOf } from '@dgr/domain';
import { annualReport, type AnnualReport } from './annual-report';
import type { AuditService } from './audit/audit.service';
import type { ReadView } from './queries';

/**
 * The annual report with its checkpoint: for a closed year, the log as it stood when the year was
 * closed (the figures are final from there on); for an open year, the log as it stands now.
 * The one assembly behind GET /api/reports/annual/:year and `dgr report`.
 */
export const annualReportFor = async (view: ReadView, audit: AuditService, year: number): Promise<AnnualReport> => {
  const thisYear = yearOf(view.today());
  const firstYears = [...view.fundYears().map((y) => y.year), ...view.proposedYears()];
  const first = firstYears.length > 0 ? Math.min(...firstYears) : thisYear;
  if (year < first || year > thisYear)
    throw new InvalidInput('year', `Det finns ingen årsredovisning för ${year}: historiken omfattar åren ${first}–${thisYear}.`);
  const size = view.yearClosedAt(year) ?? audit.size;
  return annualReport(view, year, await audit.checkpointAt(size));
};
