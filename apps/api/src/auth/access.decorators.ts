import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import type { WriteAction } from '@dgr/domain';
import { IdempotencyInterceptor } from '../http/idempotency.interceptor';
import { PUBLIC, WRITES } from './access.keys';

export { PUBLIC, WRITES };

/** Open without a token (health). */
export const Public = () => SetMetadata(PUBLIC, true);

/**
 * A write endpoint: allowed only to the roles the authority table gives this action. It is also what opts a
 * route into `Idempotency-Key`: the IdempotencyInterceptor is bound to these routes only (every other route
 * ignores the header, and a read passes through no interceptor at all: Nest's interceptor chain cost every
 * GET some 0.1 ms of CPU for nothing).
 */
export const Writes = (action: WriteAction) => applyDecorators(SetMetadata(WRITES, action), UseInterceptors(IdempotencyInterceptor));
