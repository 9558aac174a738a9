import { Controller, Get, Param, ParseIntPipe, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { annualReportFor, annualReportHtml, annualReportMarkdown, AuditService, Queries } from '@dgr/application';
import { InvalidRequest } from '../http/invalid-request';

const yearPipe = new ParseIntPipe({
  exceptionFactory: () => new InvalidRequest([{ field: 'year', message: 'year måste vara ett årtal (heltal)' }]),
});

@ApiTags('reports')
@Controller('api/reports')
export class ReportsController {
  constructor(
    private readonly queries: Queries,
    private readonly audit: AuditService,
  ) {}

  @Get('annual/:year')
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'md', 'html'] })
  @ApiOkResponse({
    description:
      "What Region Värmland reports to Värmlandsrådet for the year: the fund's balances, movements and change, the funded initiatives, VRAG's outcome reports, the initiatives decided that year, and the log's signed checkpoint.",
  })
  async annual(@Param('year', yearPipe) year: number, @Query('format') format: string | undefined, @Res({ passthrough: true }) res: Response) {
    if (format !== undefined && !['json', 'md', 'html'].includes(format))
      throw new InvalidRequest([{ field: 'format', message: 'format måste vara json, md eller html' }]);
    const report = await annualReportFor(this.queries, this.audit, year);
    if (format === 'md') {
      res.type('text/markdown; charset=utf-8');
      return annualReportMarkdown(report);
    }
    if (format === 'html') {
      res.type('text/html; charset=utf-8');
      return annualReportHtml(report);
    }
    return report;
  }
}
