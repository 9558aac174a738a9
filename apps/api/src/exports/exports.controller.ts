import { Controller, Get, Inject, Param, Query, Res, type PipeTransform } from '@nestjs/common';
import { ApiOkResponse, ApiParam, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { Response } from 'express';
import {
  CSV_SEPARATOR_VALUES,
  csvChunks,
  EVENT_STORE,
  isSieYear,
  jsonlChunks,
  Queries,
  sieChunks,
  type CsvWhat,
  type SieAccounts,
} from '@dgr/application';
import type { EventStore } from '@dgr/event-store';
import { DateField } from '../http/fields';
import { InvalidRequest } from '../http/invalid-request';
import { sendDownload } from './download';

/** The BAS accounts of the SIE export (DGR_SIE_*_ACCOUNT), given by the app module. */
export const SIE_ACCOUNTS = Symbol('SIE_ACCOUNTS');

/** The options of `dgr export --format csv`, as query parameters. */
export class CsvQueryDto {
  @ApiPropertyOptional({
    description: 'The separator: `,` (default), `;` (URL-encoded `%3B`; for Excel in Swedish: decimal comma and a BOM) or `tab`.',
    enum: [',', ';', 'tab'],
  })
  @IsOptional()
  @IsIn(CSV_SEPARATOR_VALUES, { message: 'separator måste vara , eller ; eller tab' })
  separator?: string;

  @DateField('Initiatives proposed, decisions taken and bookings dated by this day (Swedish calendar). Default: today.', false)
  asOf?: string;

  @ApiPropertyOptional({
    description:
      'The flavour. `true`: for Excel — a text cell Excel would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) ' +
      "gets a `'` first, and bidi controls and zero-width characters are shown as `[U+202E]`; number cells are never altered. " +
      '`false`: for programs — every text exactly as stored. Default: `true` with `;`, `false` otherwise.',
    enum: ['true', 'false'],
  })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'excel måste vara true eller false' })
  excel?: 'true' | 'false';

  @ApiPropertyOptional({ description: 'A UTF-8 byte-order mark first. Default: `true` for Excel, `false` for programs.', enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'bom måste vara true eller false' })
  bom?: 'true' | 'false';
}

/** A year of `dgr export --format sie --year`: four digits, from 1900. */
const sieYearPipe: PipeTransform<string, number> = {
  transform: (value) => {
    if (!isSieYear(value)) throw new InvalidRequest([{ field: 'year', message: 'year måste vara ett årtal med fyra siffror, från 1900 (t.ex. 2025)' }]);
    return Number(value);
  },
};

const CSV = 'text/csv; charset=utf-8';

/** Events read, serialised and written per turn of the event loop by the jsonl download (the bytes do not depend on it). */
const JSONL_PAGE = 250;
const FILE = { schema: { type: 'string', format: 'binary' } } as const;

/**
 * The exports of `dgr export` as downloads, byte for byte what the command writes for the same store and day
 * (the same code: libs/application/src/exports), streamed as they are made. Any signed-in role may read them.
 */
@ApiTags('exports')
@Controller('api/exports')
export class ExportsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly queries: Queries,
    @Inject(SIE_ACCOUNTS) private readonly sieAccounts: SieAccounts,
  ) {}

  @Get('events.jsonl')
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({
    ...FILE,
    description:
      'The whole log up to its head when the download began, lossless (`dgr export --format jsonl`): one JSON object a line (LF), ' +
      '`{id, position, stream, revision, type, data, metadata, previousHash, hash}` in global order. `dgr import` restores it.',
  })
  async events(@Res() res: Response): Promise<void> {
    await sendDownload(res, { contentType: 'application/x-ndjson; charset=utf-8', filename: `dgr-events-${this.queries.today()}.jsonl` }, jsonlChunks(this.store, JSONL_PAGE));
  }

  @Get('ledger.csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({ ...FILE, description: "The fund's bookings as CSV (`dgr export --format csv --what ledger`), with the balance after each; columns in docs/api.md." })
  async ledger(@Query() query: CsvQueryDto, @Res() res: Response): Promise<void> {
    await this.csv('ledger', query, res);
  }

  @Get('decisions.csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({ ...FILE, description: "Every party's decision as CSV (`dgr export --format csv --what decisions`); columns in docs/api.md." })
  async decisions(@Query() query: CsvQueryDto, @Res() res: Response): Promise<void> {
    await this.csv('decisions', query, res);
  }

  @Get('initiatives.csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({ ...FILE, description: 'Every initiative as CSV, as `/api/initiatives?asOf=` (`dgr export --format csv --what initiatives`); columns in docs/api.md.' })
  async initiatives(@Query() query: CsvQueryDto, @Res() res: Response): Promise<void> {
    await this.csv('initiatives', query, res);
  }

  @Get('sie/:year')
  @ApiParam({ name: 'year', description: 'The year, four digits from 1900.', example: 2024 })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    ...FILE,
    description:
      "The fund's sub-ledger for the year as an SIE 4E file in code page 437 (`dgr export --format sie --year`), with the accounts of " +
      'DGR_SIE_FUND_ACCOUNT, _DEPOSIT_, _PAYOUT_ and _RETURN_ACCOUNT. A year not closed yet (`closed` in /api/fund/years) may still change.',
  })
  async sie(@Param('year', sieYearPipe) year: number, @Res() res: Response): Promise<void> {
    await sendDownload(res, { contentType: 'text/plain; charset=IBM437', filename: `dgr-${year}.se` }, sieChunks(this.queries, { year, accounts: this.sieAccounts }));
  }

  private async csv(what: CsvWhat, query: CsvQueryDto, res: Response): Promise<void> {
    const asOf = query.asOf ?? this.queries.today();
    const bom = query.bom === undefined ? undefined : query.bom === 'true';
    const excel = query.excel === undefined ? undefined : query.excel === 'true';
    await sendDownload(res, { contentType: CSV, filename: `dgr-${what}-${asOf}.csv` }, csvChunks(this.queries, { what, separator: query.separator, asOf, excel, bom }));
  }
}
