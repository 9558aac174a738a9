import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  CancelInitiativeCommand,
  CorrectPartyDecisionCommand,
  PrepareInitiativeCommand,
  ProposeInitiativeCommand,
  Queries,
  RegisterPartyDecisionCommand,
  ReportOutcomeCommand,
  AwardGrantCommand,
  DecideAppealCommand,
  LodgeAppealCommand,
  RecordDecisionMinutesCommand,
  ReviseInitiativeCommand,
  type Revised,
  type Proposed,
  type RequestContext,
  type RetryKey,
} from '@dgr/application';
import type { PartyId } from '@dgr/domain';
import { Writes } from '../auth/access.decorators';
import { Retry } from '../http/idempotency.interceptor';
import { Ctx } from '../http/request-context';
import { MAX_PAGE, page, PageQueryDto } from '../http/page';
import { PartyParamPipe } from './party-param.pipe';
import {
  AsOfQueryDto,
  PagedAsOfQueryDto,
  CancelInitiativeDto,
  CorrectDecisionDto,
  DecideAppealDto,
  DecisionMinutesDto,
  GrantDto,
  LodgeAppealDto,
  OutcomeReportDto,
  PrepareInitiativeDto,
  ProposeInitiativeDto,
  RegisterDecisionDto,
  ReviseInitiativeDto,
} from './initiatives.dto';
import { VersionParamPipe } from './version-param.pipe';

@ApiTags('initiatives')
@Controller('api/initiatives')
export class InitiativesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: Queries,
  ) {}

  @Post()
  @Writes('propose-initiative')
  @ApiCreatedResponse({ description: 'The initiative is recorded; `id` names it from now on.' })
  propose(@Body() body: ProposeInitiativeDto, @Ctx() ctx: RequestContext, @Retry() retryKey?: RetryKey) {
    // The handler names the new initiative (from the retry key, when there is one) and answers its id.
    return this.commands.execute<ProposeInitiativeCommand, Proposed>(
      new ProposeInitiativeCommand({ ...body, proposedBy: body.proposedBy as PartyId }, ctx, retryKey),
    );
  }

  @Get()
  @ApiOkResponse({ description: 'Every initiative proposed by `asOf`, with its consensus as of that day.' })
  async list(@Query() query: PagedAsOfQueryDto, @Res({ passthrough: true }) res: Response) {
    const view = await this.queries.view(query.knownAt);
    const found = view.initiativePage({ asOf: query.asOf, offset: query.offset ?? 0, limit: query.limit ?? MAX_PAGE });
    res.setHeader('X-Total-Count', String(found.total));
    return found.items;
  }

  @Get(':id')
  async get(@Param('id') id: string, @Query() query: AsOfQueryDto) {
    return (await this.queries.view(query.knownAt)).getInitiative(id, query.asOf);
  }

  // --- Versions of the proposal (issue 15) ---------------------------------------------------------

  @Post(':id/revisions')
  @Writes('revise-initiative')
  @ApiCreatedResponse({
    description: 'A new version of the proposal: {version, textHash, stream, revision, position}. A revision that changes nothing: 422.',
  })
  revise(@Param('id') id: string, @Body() body: ReviseInitiativeDto, @Ctx() ctx: RequestContext, @Retry() retryKey?: RetryKey) {
    return this.commands.execute<ReviseInitiativeCommand, Revised>(new ReviseInitiativeCommand({ ...body, initiativeId: id }, ctx, retryKey));
  }

  @Get(':id/versions/:version')
  @ApiOkResponse({ description: "One version's full text (the decision basis), its textHash, revisedOn, reason and changes." })
  async version(@Param('id') id: string, @Param('version', VersionParamPipe) version: number, @Query() query: AsOfQueryDto) {
    return (await this.queries.view(query.knownAt)).getInitiativeVersion(id, version, query.asOf);
  }

  @Get(':id/events')
  @ApiOkResponse({ description: "The initiative's stream, in order: {position, revision, type, data, metadata}." })
  async events(@Param('id') id: string, @Query() query: PageQueryDto, @Res({ passthrough: true }) res: Response) {
    return page(await this.queries.initiativeEvents(id), query, res);
  }

  @Post(':id/preparation')
  @Writes('prepare-initiative')
  prepare(@Param('id') id: string, @Body() body: PrepareInitiativeDto, @Ctx() ctx: RequestContext, @Retry() retryKey?: RetryKey) {
    return this.commands.execute(new PrepareInitiativeCommand({ ...body, initiativeId: id }, ctx, retryKey));
  }

  @Post(':id/decisions')
  @Writes('register-decision')
  @ApiCreatedResponse({ description: "The party's decision is recorded. The same party again: 409." })
  registerDecision(@Param('id') id: string, @Body() body: RegisterDecisionDto, @Ctx() ctx: RequestContext, @Retry() retryKey?: RetryKey) {
    return this.commands.execute(
      new RegisterPartyDecisionCommand({ ...body, party: body.party as PartyId, initiativeId: id }, ctx, retryKey),
    );
  }

  @Post(':id/decisions/:party/correction')
  @Writes('correct-decision')
  correctDecision(
    @Param('id') id: string,
    @Param('party', PartyParamPipe) party: PartyId,
    @Body() body: CorrectDecisionDto,
    @Ctx() ctx: RequestContext,
    @Retry() retryKey?: RetryKey,
  ) {
    return this.commands.execute(new CorrectPartyDecisionCommand({ ...body, party, initiativeId: id }, ctx, retryKey));
  }

  @Post(':id/decisions/:party/minutes')
  @Writes('record-minutes')
  @ApiCreatedResponse({
    description:
      'Justering and/or anslag of the party\'s decision. A date already recorded is changed only with `reason` (409 without it).',
  })
  recordMinutes(
    @Param('id') id: string,
    @Param('party', PartyParamPipe) party: PartyId,
    @Body() body: DecisionMinutesDto,
    @Ctx() ctx: RequestContext,
    @Retry() retryKey?: RetryKey,
  ) {
    return this.commands.execute(new RecordDecisionMinutesCommand({ ...body, party, initiativeId: id }, ctx, retryKey));
  }

  @Post(':id/decisions/:party/appeals')
  @Writes('record-appeal')
  @ApiCreatedResponse({ description: 'An appeal (laglighetsprövning) of the party\'s decision. The same case number again: 409.' })
  lodgeAppeal(
    @Param('id') id: string,
    @Param('party', PartyParamPipe) party: PartyId,
    @Body() body: LodgeAppealDto,
    @Ctx() ctx: RequestContext,
    @Retry() retryKey?: RetryKey,
  ) {
    return this.commands.execute(new LodgeAppealCommand({ ...body, party, initiativeId: id }, ctx, retryKey));
  }

  @Post(':id/decisions/:party/appeals/:caseNumber/decision')
  @Writes('record-appeal')
  @ApiCreatedResponse({ description: "The court's judgment on the appeal, once: upheld (the decision stands) or annulled." })
  decideAppeal(
    @Param('id') id: string,
    @Param('party', PartyParamPipe) party: PartyId,
    @Param('caseNumber') caseNumber: string,
    @Body() body: DecideAppealDto,
    @Ctx() ctx: RequestContext,
    @Retry() retryKey?: RetryKey,
  ) {
    return this.commands.execute(new DecideAppealCommand({ ...body, party, caseNumber, initiativeId: id }, ctx, retryKey));
  }

  @Post(':id/grant')
  @Writes('award-grant')
  grant(@Param('id') id: string, @Body() body: GrantDto, @Ctx() ctx: RequestContext, @Retry() retryKey?: RetryKey) {
    return this.commands.execute(new AwardGrantCommand({ ...body, initiativeId: id }, ctx, retryKey));
  }

  @Post(':id/cancellation')
  @Writes('cancel-initiative')
  cancel(@Param('id') id: string, @Body() body: CancelInitiativeDto, @Ctx() ctx: RequestContext, @Retry() retryKey?: RetryKey) {
    return this.commands.execute(new CancelInitiativeCommand({ ...body, initiativeId: id }, ctx, retryKey));
  }

  @Post(':id/outcome-reports')
  @Writes('report-outcome')
  reportOutcome(@Param('id') id: string, @Body() body: OutcomeReportDto, @Ctx() ctx: RequestContext, @Retry() retryKey?: RetryKey) {
    return this.commands.execute(new ReportOutcomeCommand({ ...body, initiativeId: id }, ctx, retryKey));
  }
}
