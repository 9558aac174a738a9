import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuditLogBroken, csvLine } from '@dgr/application';
import { stockholmDateOf } from '@dgr/domain';
import { Public } from '../auth/access.decorators';
import { ConsistencyQueryDto } from '../audit/audit.controller';
import { MAX_PAGE, PageQueryDto } from '../http/page';
import { sendStreamed } from '../exports/download';
import { AnswerCache, etagOf, matches, PUBLIC_CACHE_CONTROL, sendCached } from './cached';
import { catalog } from './catalog';
import { PublicReader } from './public-reader';
import { PublicSettings } from './public-settings';
import {
  publicDecisionRows,
  publicFund,
  publicFundYear,
  publicInitiative,
  publicSummary,
  PUBLIC_DECISION_COLUMNS,
} from './public-view';

const JSON_TYPE = 'application/json; charset=utf-8';

/** Initiatives read at a time for /api/public/decisions.csv. */
const DECISIONS_CSV_PAGE = 100;

/** Open data may be read by a web page of any origin (no credentials are involved): CORS for everyone. */
const OPEN = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'ETag, X-Total-Count' } as const;

/** The page a list query asks for, as the API pages (`limit`, default and at most 1000, from `offset`): read in the query. */
const pageAsked = (query: PageQueryDto): { offset: number; limit: number } => ({ offset: query.offset ?? 0, limit: query.limit ?? MAX_PAGE });

/** The public base address: DGR_PUBLIC_BASE_URL, or the one the request came to. */
export const baseUrlOf = (settings: PublicSettings, req: Request): string => settings.config.baseUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;

/**
 * Open data without a token (docs/public.md, docs/api.md): what the public pages show, as JSON and CSV,
 * minimised (public-view.ts). Only the live read models are read (no `knownAt` replays) and lists are
 * paged, so no request costs more than a page; each answer is remembered per state and sent with
 * ETag and Cache-Control (304 on If-None-Match). The rate limit guard applies to these routes like to
 * every other (per client address for requests without a token). Not registered when DGR_PUBLIC=off.
 */
@ApiTags('public')
// No token: an empty security requirement overrides the document's bearer requirement (OpenAPI 3).
@ApiSecurity({})
@Controller('api/public')
@Public()
export class PublicDataController {
  private readonly cache = new AnswerCache();

  constructor(
    private readonly reader: PublicReader,
    private readonly settings: PublicSettings,
  ) {}

  private get queries() {
    return this.reader.queries;
  }

  private get audit() {
    return this.reader.audit;
  }

  private state(): string {
    return this.reader.state();
  }

  @Get('initiatives')
  @ApiOkResponse({ description: 'Every initiative (paged by `limit` and `offset`, `X-Total-Count`): status, deadline, consensus, legal finality and money. No token.' })
  async list(@Query() query: PageQueryDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    const key = `list|${query.limit ?? ''}|${query.offset ?? 0}|${this.state()}`;
    const answer = await this.cache.get(key, JSON_TYPE, () => {
      const page = this.queries.initiativePage(pageAsked(query));
      return { body: JSON.stringify(page.items.map(publicSummary)), headers: { 'X-Total-Count': String(page.total) } };
    });
    sendCached(req, res, answer, OPEN);
  }

  @Get('initiatives/:id')
  @ApiOkResponse({ description: "One initiative: its facts, every party's decision (with earlier versions), preparations, its money and bookings, its history by organisation and role. No token." })
  async get(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    const answer = await this.cache.get(`initiative|${id}|${this.state()}`, JSON_TYPE, async () => JSON.stringify(await this.reader.initiative(id)));
    sendCached(req, res, answer, OPEN);
  }

  @Get('fund')
  @ApiOkResponse({ description: 'The fund: balance, committed, available, and the ledger (paged by `limit` and `offset`; `X-Total-Count` counts the bookings). No token.' })
  async fund(@Query() query: PageQueryDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    const key = `fund|${query.limit ?? ''}|${query.offset ?? 0}|${this.state()}`;
    const answer = await this.cache.get(key, JSON_TYPE, () => {
      const { offset, limit } = pageAsked(query);
      const ledger = this.queries.ledgerPage(offset, limit);
      return { body: JSON.stringify(publicFund(this.queries.fundStatus(), ledger.rows)), headers: { 'X-Total-Count': String(ledger.total) } };
    });
    sendCached(req, res, answer, OPEN);
  }

  @Get('fund/years')
  @ApiOkResponse({ description: "Each year's opening balance, movements, closing balance and change, and whether it is closed. No token." })
  async years(@Req() req: Request, @Res() res: Response): Promise<void> {
    const answer = await this.cache.get(`years|${this.state()}`, JSON_TYPE, () => JSON.stringify(this.queries.fundYears().map(publicFundYear)));
    sendCached(req, res, answer, OPEN);
  }

  @Get('decisions.csv')
  @ApiOkResponse({ description: 'One row per decision, UTF-8, comma-separated, a header row, RFC 4180 quoting, no BOM (for programs). No token.' })
  async decisionsCsv(@Req() req: Request, @Res() res: Response): Promise<void> {
    // Streamed a page of initiatives at a time, never held whole (issue 13): the ETag names the state the answer
    // is made from (the read models' position and the day), which the bytes follow from.
    const etag = etagOf(`decisions.csv|${this.state()}`);
    const headers = { ...OPEN, 'Content-Disposition': 'inline; filename="dgr-beslut.csv"', ETag: etag, 'Cache-Control': PUBLIC_CACHE_CONTROL };
    if (matches(req.header('if-none-match'), etag)) {
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      res.status(304).end();
      return;
    }
    await sendStreamed(res, { ...headers, 'Content-Type': 'text/csv; charset=utf-8; header=present' }, this.decisionLines(), 'dgr-beslut.csv');
  }

  /** The public decisions CSV, the header first, then a chunk of lines per page of initiatives (in the order proposed). */
  private async *decisionLines(): AsyncGenerator<string> {
    yield csvLine(PUBLIC_DECISION_COLUMNS, ',');
    for await (const summaries of this.queries.summaryPages(this.queries.today(), DECISIONS_CSV_PAGE)) {
      const initiatives = summaries.map((s) => {
        const i = this.queries.getInitiative(s.id);
        return { id: i.id, title: i.title, decisions: publicInitiative(i, [], []).decisions };
      });
      const lines = publicDecisionRows(initiatives).map((row) => csvLine(row, ','));
      if (lines.length > 0) yield lines.join('');
    }
  }

  @Get('checkpoint')
  @ApiOkResponse({
    description:
      'The signed checkpoint of the whole log `{origin, size, root, at, signature}` (as GET /api/audit/checkpoint) with `publicKeyPem`, ' +
      'the Ed25519 key it is signed with. Saved as a file, it is what `npx dgr verify --checkpoint` and `npx dgr verify-public` check. No token.',
  })
  async checkpoint(@Req() req: Request, @Res() res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    const answer = await this.cache.get(`checkpoint|${this.state()}`, JSON_TYPE, async () =>
      JSON.stringify({ ...(await this.audit.checkpoint()), publicKeyPem: this.audit.publicKeyPem() }),
    );
    sendCached(req, res, answer, OPEN);
  }

  @Get('consistency')
  @ApiOkResponse({ description: '`{size1, size2, root1, root2, proof}`: the RFC 6962 consistency proof that the log of size2 (default: now) extends that of size1. No token.' })
  async consistency(@Query() query: ConsistencyQueryDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    const answer = await this.cache.get(`consistency|${query.size1}|${query.size2 ?? ''}|${this.state()}`, JSON_TYPE, () =>
      JSON.stringify(this.audit.consistencyProof(query.size1, query.size2)),
    );
    sendCached(req, res, answer, OPEN);
  }

  @Get('catalog.jsonld')
  @ApiOkResponse({ description: 'The DCAT-AP-SE catalogue of this open data (JSON-LD), for Sveriges dataportal to harvest. No token.' })
  async catalogue(@Req() req: Request, @Res() res: Response): Promise<void> {
    const base = baseUrlOf(this.settings, req);
    const answer = await this.cache.get(`catalog|${base}|${this.state()}`, 'application/ld+json; charset=utf-8', async () => {
      const last = await this.lastRecordedAt();
      return JSON.stringify(catalog({ base, license: this.settings.config.license, contactEmail: this.settings.config.contactEmail, modified: last === null ? null : stockholmDateOf(last) }));
    });
    // Without DGR_PUBLIC_BASE_URL the IRIs follow the Host header, so a shared cache must key on it.
    sendCached(req, res, answer, this.settings.config.baseUrl === null ? { ...OPEN, Vary: 'Host' } : OPEN);
  }

  /** When the log's last event was recorded (null for an empty log); the catalogue's `dcterms:modified`. */
  private async lastRecordedAt(): Promise<string | null> {
    if (this.audit.size === 0) return null;
    try {
      return (await this.audit.checkpoint()).at;
    } catch (e) {
      // A log that does not match its hashes gets no checkpoint; the catalogue still answers, without the date.
      if (e instanceof AuditLogBroken) return null;
      throw e;
    }
  }
}
