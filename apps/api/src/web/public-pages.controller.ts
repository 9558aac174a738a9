import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuditLogBroken } from '@dgr/application';
import { InitiativeNotFound } from '@dgr/domain';
import { Public } from '../auth/access.decorators';
import { AnswerCache, sendCached } from '../public/cached';
import { PublicReader } from '../public/public-reader';
import { publicFund, publicFundYear, publicSummary } from '../public/public-view';
import { LEDGER_PAGE_SIZE } from './fund.page';
import { html } from './html';
import { renderPage, type PageOptions } from './layout';
import { OVERVIEW_PAGE_SIZE } from './overview.page';
import { pageOf } from './pager';
import { PUBLIC_NAVIGATION, publicCheckpointBody, publicFundBody, publicInitiativeBody, publicOverviewBody } from './public.page';

const HTML_TYPE = 'text/html; charset=utf-8';

const page = (options: Omit<PageOptions, 'navigation' | 'home' | 'actor'>): string =>
  renderPage({ ...options, navigation: PUBLIC_NAVIGATION, home: '/publikt' });

/**
 * The public pages at /publikt (docs/public.md): no sign-in, the same for everyone (so no actor is shown
 * and every page is cacheable: ETag, Cache-Control, 304). They read the same minimised view as
 * /api/public. Not registered when DGR_PUBLIC=off.
 */
@ApiExcludeController()
@Controller('publikt')
@Public()
export class PublicPagesController {
  private readonly cache = new AnswerCache();

  constructor(private readonly reader: PublicReader) {}

  private get queries() {
    return this.reader.queries;
  }

  private get audit() {
    return this.reader.audit;
  }

  private state(): string {
    return this.reader.state();
  }

  @Get()
  async overview(@Req() req: Request, @Res() res: Response, @Query() query: Record<string, unknown>): Promise<void> {
    const n = pageOf(query);
    const answer = await this.cache.get(`overview|${n}|${this.state()}`, HTML_TYPE, () => {
      // One page of the matrix, paged in the query before it is summarised (issue 13).
      const found = this.queries.initiativePage({ offset: (n - 1) * OVERVIEW_PAGE_SIZE, limit: OVERVIEW_PAGE_SIZE });
      return page({
        title: 'Initiativ och beslut',
        current: 'publikt',
        body: publicOverviewBody({
          initiatives: { rows: found.items.map(publicSummary), total: found.total, page: n },
          fund: publicFund(this.queries.fundStatus(), []),
          today: this.queries.today(),
        }),
      });
    });
    sendCached(req, res, answer);
  }

  @Get('initiativ/:id')
  async initiative(@Req() req: Request, @Res() res: Response, @Param('id') id: string): Promise<void> {
    try {
      const answer = await this.cache.get(`initiative|${id}|${this.state()}`, HTML_TYPE, async () => {
        const i = await this.reader.initiative(id);
        return page({ title: i.title, body: publicInitiativeBody(i) });
      });
      sendCached(req, res, answer);
    } catch (e) {
      if (!(e instanceof InitiativeNotFound)) throw e;
      res.status(404).type(HTML_TYPE).setHeader('Cache-Control', 'no-store');
      res.send(page({ title: 'Finns inte', status: 404, body: html`<h1>Finns inte</h1><p>Det finns inget initiativ med den adressen.</p><p><a href="/publikt">Alla initiativ</a></p>` }));
    }
  }

  @Get('fonden')
  async fund(@Req() req: Request, @Res() res: Response, @Query() query: Record<string, unknown>): Promise<void> {
    const n = pageOf(query);
    const answer = await this.cache.get(`fund|${n}|${this.state()}`, HTML_TYPE, () => {
      // One page of the ledger, paged in the query, and the titles of the initiatives it names (issue 13).
      const { total, rows } = this.queries.ledgerPage((n - 1) * LEDGER_PAGE_SIZE, LEDGER_PAGE_SIZE);
      return page({
        title: 'Fonden',
        current: 'publikt-fonden',
        body: publicFundBody({
          fund: publicFund(this.queries.fundStatus(), rows),
          ledger: { total, page: n },
          years: this.queries.fundYears().map(publicFundYear),
          titles: this.queries.initiativeTitles(rows.map((b) => b.initiativeId)),
        }),
      });
    });
    sendCached(req, res, answer);
  }

  @Get('kontrollpunkt')
  async checkpoint(@Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      const answer = await this.cache.get(`checkpoint|${this.state()}`, HTML_TYPE, async () =>
        page({
          title: 'Kontrollpunkt',
          current: 'publikt-kontrollpunkt',
          body: publicCheckpointBody({ checkpoint: await this.audit.checkpoint(), publicKeyPem: this.audit.publicKeyPem(), origin: this.audit.origin }),
        }),
      );
      sendCached(req, res, answer);
    } catch (e) {
      // The service signs no checkpoint over a log that does not match its hashes: say so, as the API does (409).
      if (!(e instanceof AuditLogBroken)) throw e;
      res.status(409).type(HTML_TYPE).setHeader('Cache-Control', 'no-store');
      res.send(
        page({
          title: 'Ingen kontrollpunkt',
          current: 'publikt-kontrollpunkt',
          status: 409,
          body: html`<h1>Ingen signerad kontrollpunkt</h1><p>Loggen stämmer inte med sina hashar, så tjänsten signerar ingen kontrollpunkt just nu. Region Värmland utreder vad som har hänt; kontrollpunkter som redan sparats gäller fortfarande som bevis.</p>`,
        }),
      );
    }
  }
}
