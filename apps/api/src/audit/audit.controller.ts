import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiPropertyOptional, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';
import { AuditService, type VerificationReport } from '@dgr/application';
import { VerifyAnswer } from './verify-answer';

/** A query string number is text; only plain digits become a number (anything else fails validation). */
const digits = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value);

export class InclusionQueryDto {
  @ApiProperty({ description: 'The leaf: the event at global position p is leaf p − 1.', type: 'integer' })
  @Transform(digits)
  @Min(0, { message: 'leafIdx måste vara minst 0' })
  @IsInt({ message: 'leafIdx måste vara ett heltal' })
  leafIdx!: number;

  @ApiPropertyOptional({ description: 'The size of the tree (number of events) the proof is for; default: the whole log now.', type: 'integer' })
  @IsOptional()
  @Transform(digits)
  @Min(1, { message: 'treeSize måste vara minst 1' })
  @IsInt({ message: 'treeSize måste vara ett heltal' })
  treeSize?: number;
}

export class ConsistencyQueryDto {
  @ApiProperty({ description: 'The earlier size (e.g. that of a checkpoint you hold), at least 1.', type: 'integer' })
  @Transform(digits)
  @Min(1, { message: 'size1 måste vara minst 1' })
  @IsInt({ message: 'size1 måste vara ett heltal' })
  size1!: number;

  @ApiPropertyOptional({ description: 'The later size; default: the whole log now.', type: 'integer' })
  @IsOptional()
  @Transform(digits)
  @Min(1, { message: 'size2 måste vara minst 1' })
  @IsInt({ message: 'size2 måste vara ett heltal' })
  size2?: number;
}

/**
 * Tamper evidence (docs/audit.md): a signed checkpoint of the log, the key to check it with, RFC 6962
 * inclusion and consistency proofs with hashes in base64, and the whole check of `dgr verify`. Any signed-in
 * role may read them.
 */
@ApiTags('audit')
@Controller('api/audit')
export class AuditController {
  /** The verify running now, if one is: a request that arrives meanwhile shares it (one at a time per process). */
  private running: Promise<VerificationReport> | null = null;

  constructor(private readonly audit: AuditService) {}

  @Get('checkpoint')
  @ApiOkResponse({
    description:
      '`{origin, size, root, at, signature}`: `signature` is Ed25519 (base64) over exactly `origin + "\\n" + size + "\\n" + root + "\\n"`; ' +
      '`root` is the RFC 6962 root (base64) of the first `size` events; `at` is when the last of them was recorded (null for an empty log).',
  })
  checkpoint() {
    return this.audit.checkpoint();
  }

  @Get('public-key')
  @ApiOkResponse({ description: '`{publicKeyPem}`: the Ed25519 key checkpoints are signed with (SPKI PEM).' })
  publicKey() {
    return { publicKeyPem: this.audit.publicKeyPem() };
  }

  @Get('proof')
  @ApiOkResponse({ description: '`{leafIdx, treeSize, leafHash, root, proof}`: the RFC 6962 inclusion proof (PATH) of one event, bottom-up.' })
  proof(@Query() query: InclusionQueryDto) {
    return this.audit.inclusionProof(query.leafIdx, query.treeSize);
  }

  @Get('consistency')
  @ApiOkResponse({ description: '`{size1, size2, root1, root2, proof}`: the RFC 6962 consistency proof (PROOF) that the log of size2 extends that of size1.' })
  consistency(@Query() query: ConsistencyQueryDto) {
    return this.audit.consistencyProof(query.size1, query.size2);
  }

  @Get('verify')
  @ApiOkResponse({
    type: VerifyAnswer,
    description:
      'The checks of `dgr verify` over the store the service runs on, read through the store: every event\'s hash and its chain to its ' +
      "stream predecessor, positions 1, 2, 3… without gaps, the Merkle root of the whole log, and that the log extends the checkpoint " +
      'the service signs now. Always 200: `ok` says whether the log is intact; `mismatches` and `checkpointProblem` say what is not, in Swedish. ' +
      'The check runs in a worker thread, so the service goes on answering meanwhile; one runs at a time: a request that arrives while one runs ' +
      'gets that one\'s answer (its `checkedAt` says when it began). 503 (`verify-failed`, with Retry-After) when the check could not run.',
  })
  verify(): Promise<VerificationReport> {
    this.running ??= this.audit.verify().finally(() => {
      this.running = null;
    });
    return this.running;
  }
}
