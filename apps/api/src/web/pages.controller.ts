import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuditService, Queries } from '@dgr/application';
import { InitiativeNotFound, yearOf, type Actor } from '@dgr/domain';
import { Public } from '../auth/access.decorators';
import type { AuthenticatedRequest } from '../auth/access.guard';
import { auditBody } from './audit.page';
import { fundBody, LEDGER_PAGE_SIZE } from './fund.page';
import { html } from './html';
import { initiativeBody, may, proposeBody } from './initiative.page';
import { comparisonOf } from './versions.section';
import { renderPage, type PageOptions } from './layout';
import { mayPropose, overviewBody, overviewFiltersOf, overviewQueryOf } from './overview.page';
import { pageOf } from './pager';

/** Sends a whole page; pages show what the signed-in actor may see, so no cache keeps them. */
const send = (res: Response, options: PageOptions): void => {
  res.status(options.status ?? 200).type('text/html; charset=utf-8').setHeader('Cache-Control', 'no-store');
  res.send(renderPage(options));
};

/**
 * The signed-in actor, or undefined after redirecting to the sign-in page (303) with the page to come
 * back to. The pages are public routes: the guard sets `actor` when the request carries a session.
 */
const actorOr303 = (req: AuthenticatedRequest, res: Response): Actor | undefined => {
  if (req.actor) return req.actor;
  res.redirect(303, `/logga-in?next=${encodeURIComponent(req.originalUrl ?? req.url)}`);
  return undefined;
};

const notFound = (res: Response, actor: Actor, what: string): void =>
  send(res, {
    title: 'Finns inte',
    actor,
    status: 404,
    body: html`<h1>Finns inte</h1><p>${what}</p><p><a href="/">Till översikten</a></p>`,
  });

/**
 * The web pages in Swedish (docs/web.md). They read through the same Queries as the JSON controllers;
 * their forms post to the JSON API (web/assets/app.js), which enforces the authority again.
 */
@ApiExcludeController()
@Controller()
@Public()
export class PagesController {
  constructor(
    private readonly queries: Queries,
    private readonly audit: AuditService,
  ) {}

  @Get()
  async overview(@Req() req: AuthenticatedRequest, @Res() res: Response, @Query() query: Record<string, unknown>): Promise<void> {
    const actor = actorOr303(req, res);
    if (!actor) return;
    const today = this.queries.today();
    const filters = overviewFiltersOf(query);
    // A status filter may wait for the day's statuses (other requests are served meanwhile; issue 13).
    const found = await this.queries.filterInitiatives(overviewQueryOf(filters, today));
    send(res, { title: 'Översikt', actor, current: 'oversikt', body: overviewBody({ found, filters, today, actor }) });
  }

  @Get('initiativ/nytt')
  propose(@Req() req: AuthenticatedRequest, @Res() res: Response): void {
    const actor = actorOr303(req, res);
    if (!actor) return;
    if (!mayPropose(actor)) {
      send(res, {
        title: 'Behörighet saknas',
        actor,
        current: 'initiativ',
        status: 403,
        body: html`<h1>Behörighet saknas</h1><p>Din roll får inte lämna initiativ.</p><p><a href="/">Till översikten</a></p>`,
      });
      return;
    }
    send(res, { title: 'Nytt initiativ', actor, current: 'initiativ', body: proposeBody(actor, this.queries.today()) });
  }

  @Get('initiativ/:id')
  async initiative(
    @Req() req: AuthenticatedRequest,
    @Res() res: Response,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
  ): Promise<void> {
    const actor = actorOr303(req, res);
    if (!actor) return;
    try {
      const initiative = this.queries.getInitiative(id);
      const events = await this.queries.initiativeHistory(id);
      const bookings = this.queries.initiativeBookings(id);
      // Two versions of the proposal side by side (issue 15): ?fran=1&till=2, by default the last two.
      const pair = comparisonOf(query, initiative.version);
      const compared = pair && { from: this.queries.getInitiativeVersion(id, pair.from), to: this.queries.getInitiativeVersion(id, pair.to) };
      send(res, { title: initiative.title, actor, current: 'initiativ', body: initiativeBody({ initiative, events, bookings, actor, compared }) });
    } catch (e) {
      if (e instanceof InitiativeNotFound) return notFound(res, actor, 'Det finns inget initiativ med den adressen.');
      throw e;
    }
  }

  @Get('fonden')
  async fund(@Req() req: AuthenticatedRequest, @Res() res: Response, @Query() query: Record<string, unknown>): Promise<void> {
    const actor = actorOr303(req, res);
    if (!actor) return;
    const today = this.queries.today();
    // One page of the ledger, paged in the query, and the titles of the initiatives it names (issue 13).
    const page = pageOf(query);
    // The payout and return forms' initiatives, only for those who see the forms (read in chunks that yield).
    const granted = may(actor, 'withdraw') ? await this.queries.grantedInitiatives(today) : [];
    const { total, rows } = this.queries.ledgerPage((page - 1) * LEDGER_PAGE_SIZE, LEDGER_PAGE_SIZE);
    send(res, {
      title: 'Fonden',
      actor,
      current: 'fonden',
      body: fundBody({
        status: this.queries.fundStatus(),
        years: this.queries.fundYears(),
        ledger: { rows, total, page },
        titles: this.queries.initiativeTitles(rows.map((b) => b.initiativeId)),
        granted,
        actor,
        thisYear: yearOf(today),
      }),
    });
  }

  @Get('revision')
  async revision(@Req() req: AuthenticatedRequest, @Res() res: Response): Promise<void> {
    const actor = actorOr303(req, res);
    if (!actor) return;
    const years = this.queries.fundYears().map((y) => ({ year: y.year, closed: y.closed }));
    send(res, {
      title: 'Revision',
      actor,
      current: 'revision',
      body: auditBody({ checkpoint: await this.audit.checkpoint(), years: years.length > 0 ? years : [{ year: yearOf(this.queries.today()), closed: false }] }),
    });
  }
}
