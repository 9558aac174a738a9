import { Controller, Get, HttpCode, Param, Put, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  AttachDecisionEvidenceCommand,
  EvidenceFiles,
  NoEvidence,
  Queries,
  type EvidenceAttached,
  type RequestContext,
  type RetryKey,
} from '@dgr/application';
import { reprDigestOf } from '@dgr/blob-store';
import type { PartyId } from '@dgr/domain';
import { Writes } from '../auth/access.decorators';
import { Retry } from '../http/idempotency.interceptor';
import { Ctx } from '../http/request-context';
import { PartyParamPipe } from '../initiatives/party-param.pipe';

/** A party's minutes extract (protokollsutdrag) behind its decision: docs/evidence.md. */
@ApiTags('initiatives')
@Controller('api/initiatives')
export class EvidenceController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: Queries,
    private readonly files: EvidenceFiles,
  ) {}

  @Put(':id/decisions/:party/evidence')
  @Writes('attach-evidence')
  @HttpCode(201)
  @ApiConsumes('application/pdf')
  @ApiBody({ description: 'The PDF itself (≤ 10 MiB, beginning %PDF-).', schema: { type: 'string', format: 'binary' } })
  @ApiCreatedResponse({
    description:
      "The party's minutes extract, the PDF itself as the body (≤ 10 MiB, `%PDF-` at its start): stored under its SHA-256, " +
      'then recorded as `DecisionEvidenceAttached` (hash and size, never the bytes). Answers `{sha256, bytes, stream, revision, position}`; ' +
      'not a PDF 415, too large 413, no decision for the party 422, another party’s clerk 403.',
  })
  attach(
    @Param('id') id: string,
    @Param('party', PartyParamPipe) party: PartyId,
    @Req() req: Request,
    @Ctx() ctx: RequestContext,
    @Retry() retryKey?: RetryKey,
  ): Promise<EvidenceAttached> {
    const file = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    return this.commands.execute(new AttachDecisionEvidenceCommand({ initiativeId: id, party, file }, ctx, retryKey));
  }

  @Get(':id/decisions/:party/evidence')
  @ApiProduces('application/pdf')
  @ApiOkResponse({
    description:
      'The minutes extract as attached last (application/pdf), checked against its recorded hash first; the hash in `Repr-Digest` ' +
      '(RFC 9530, `sha-256=:base64:`) and `X-Content-SHA256` (hex). No evidence: 404.',
  })
  async download(@Param('id') id: string, @Param('party', PartyParamPipe) party: PartyId, @Res() res: Response): Promise<void> {
    const decision = (await this.queries.view()).getInitiative(id).decisions.find((d) => d.party === party);
    if (!decision?.evidence) throw new NoEvidence(party);
    const bytes = await this.files.read(party, decision.evidence);
    const sha256 = decision.evidence.sha256;
    res.status(200);
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="protokollsutdrag-${party}-${id.replace(/[^A-Za-z0-9-]/g, '').slice(0, 36)}.pdf"`);
    res.setHeader('Repr-Digest', reprDigestOf(sha256));
    res.setHeader('X-Content-SHA256', sha256);
    res.setHeader('ETag', `"${sha256}"`);
    res.setHeader('Cache-Control', 'private, no-cache');
    res.end(bytes);
  }
}
