import { annualReport, type AnnualReport, type AuditService, type ReadView } from '@dgr/application';
import { InvalidInput, yearOf } from '@dgr/domain';

/**
 * The annual report with its checkpoint: for a closed year, the log as it stood when the year was
 * closed (the figures are final from there on); for an open year, the log as it stands now.
 */
export const annualReportFor = async (view: ReadView, audit: AuditService, year: number): Promise<AnnualReport> => {
  const thisYear = yearOf(view.today());
  const firstYears = [...view.fundYears().map((y) => y.year), ...view.listInitiatives().map((i) => yearOf(i.proposedOn))];
  const first = firstYears.length > 0 ? Math.min(...firstYears) : thisYear;
  if (year < first || year > thisYear)
    throw new InvalidInput('year', `Det finns ingen årsredovisning för ${year}: historiken omfattar åren ${first}–${thisYear}.`);
  const size = view.yearClosedAt(year) ?? audit.size;
  return annualReport(view, year, await audit.checkpointAt(size));
};
