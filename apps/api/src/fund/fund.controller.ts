import { Body, Controller, Get, Param, ParseIntPipe, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Writes } from '../auth/access.decorators';
import { MAX_PAGE } from '../http/page';
import { KnownAtQueryDto, PagedKnownAtQueryDto } from '../initiatives/initiatives.dto';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  CloseYearCommand,
  DepositToFundCommand,
  Queries,
  ReturnToFundCommand,
  WithdrawFromFundCommand,
  type RequestContext,
  type RetryKey,
} from '@dgr/application';
import { InvalidRequest } from '../http/invalid-request';
import { Retry } from '../http/idempotency.interceptor';
import { Ctx } from '../http/request-context';
import { DepositDto, ReturnDto, WithdrawalDto } from './fund.dto';

const yearPipe = new ParseIntPipe({
  exceptionFactory: () => new InvalidRequest([{ field: 'year', message: 'year måste vara ett årtal (heltal)' }]),
});

@ApiTags('fund')
@Controller('api/fund')
export class FundController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: Queries,
  ) {}

  @Get()
  @ApiOkResponse({ description: 'Balance, committed (granted, not yet paid out) and available, in öre.' })
  async status(@Query() query: KnownAtQueryDto) {
    return (await this.queries.view(query.knownAt)).fundStatus();
  }

  @Get('years')
  @ApiOkResponse({ description: "Each year's opening balance, movements, closing balance and change, from the first booking's year to this year." })
  async years(@Query() query: KnownAtQueryDto) {
    return (await this.queries.view(query.knownAt)).fundYears();
  }

  @Get('ledger')
  @ApiOkResponse({ description: 'Every booking in the order recorded, with the balance after it.' })
  async ledger(@Query() query: PagedKnownAtQueryDto, @Res({ passthrough: true }) res: Response) {
    // Paged in the query: a page costs its own rows, not the whole ledger's (issue 13).
    const { total, rows } = (await this.queries.view(query.knownAt)).ledgerPage(query.offset ?? 0, query.limit ?? MAX_PAGE);
    res.setHeader('X-Total-Count', String(total));
    return rows;
  }

  @Post('deposits')
  @Writes('deposit')
  deposit(@Body() body: DepositDto, @Ctx() ctx: RequestContext, @Retry() retryKey?: RetryKey) {
    return this.commands.execute(new DepositToFundCommand(body, ctx, retryKey));
  }

  @Post('withdrawals')
  @Writes('withdraw')
  withdraw(@Body() body: WithdrawalDto, @Ctx() ctx: RequestContext, @Retry() retryKey?: RetryKey) {
    return this.commands.execute(new WithdrawFromFundCommand(body, ctx, retryKey));
  }

  @Post('returns')
  @Writes('return')
  returnMoney(@Body() body: ReturnDto, @Ctx() ctx: RequestContext, @Retry() retryKey?: RetryKey) {
    return this.commands.execute(new ReturnToFundCommand(body, ctx, retryKey));
  }

  @Post('years/:year/close')
  @Writes('close-year')
  closeYear(@Param('year', yearPipe) year: number, @Ctx() ctx: RequestContext, @Retry() retryKey?: RetryKey) {
    return this.commands.execute(new CloseYearCommand({ year }, ctx, retryKey));
  }
}
