import { ApiProperty } from '@nestjs/swagger';

/*
 * The shape of GET /api/audit/verify, for the OpenAPI page (the answer itself is libs/application's VerificationReport).
 */

export class CheckpointAnswer {
  @ApiProperty({ example: 'dgr' }) origin!: string;
  @ApiProperty({ type: 'integer', example: 1234 }) size!: number;
  @ApiProperty({ description: 'Base64 RFC 6962 root of the first `size` events.' }) root!: string;
  @ApiProperty({ description: 'When the last of them was recorded; null for an empty log.', nullable: true, type: String }) at!: string | null;
  @ApiProperty({ description: 'Ed25519 (base64) over `origin + "\\n" + size + "\\n" + root + "\\n"`.' }) signature!: string;
}

export class MismatchAnswer {
  @ApiProperty({ type: 'integer', description: 'The global position of the event (where it was expected, when it cannot be read).' }) position!: number;
  @ApiProperty({ nullable: true, type: String, description: 'Null when the event cannot be read.' }) stream!: string | null;
  @ApiProperty({ nullable: true, type: 'integer', description: 'Null when the event cannot be read.' }) revision!: number | null;
  @ApiProperty({
    description: 'What is wrong, as a stable code.',
    enum: ['position-gap', 'position-order', 'no-hash', 'revision-gap', 'revision-order', 'chain-broken', 'chain-start', 'hash', 'not-canonical', 'unreadable'],
  })
  kind!: string;
  @ApiProperty({ description: 'What is wrong, in Swedish, naming the position, stream and revision.' }) description!: string;
}

export class VerifyAnswer {
  @ApiProperty({ description: 'Every event matches its hash, chain and place, and the log extends the checkpoint the service signs now.' }) ok!: boolean;
  @ApiProperty({ format: 'date-time', description: 'When the check ran.' }) checkedAt!: string;
  @ApiProperty({ type: 'integer', description: 'Events read: the log up to its head when the check began (fewer only when an event cannot be read).' }) events!: number;
  @ApiProperty({ type: 'integer' }) streams!: number;
  @ApiProperty({ nullable: true, type: String, description: 'Base64 RFC 6962 root of the events read, recomputed from the store; null when an event cannot be read.' })
  rootHash!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'When the last event read was recorded; null for an empty log.' }) lastRecordedAt!: string | null;
  @ApiProperty({ type: 'integer', description: 'How many events do not match; `mismatches` lists the first 100.' }) mismatchCount!: number;
  @ApiProperty({ type: [MismatchAnswer] }) mismatches!: MismatchAnswer[];
  @ApiProperty({ type: CheckpointAnswer, nullable: true, description: "The service's signed checkpoint the log was checked against; null when it signs none (see checkpointProblem)." })
  checkpoint!: CheckpointAnswer | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why the log does not extend the checkpoint, or why there is none, in Swedish; null when it does.' })
  checkpointProblem!: string | null;
  @ApiProperty({ description: 'The outcome in one Swedish sentence.' }) summary!: string;
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description:
      'Evidence files (minutes extracts) the log names that are missing from DGR_BLOB_DIR or altered there: {position, stream, revision, initiativeId, party, sha256, bytes, problem: missing|altered, description}; any makes `ok` false (docs/evidence.md).',
  })
  evidenceProblems!: object[];
}
