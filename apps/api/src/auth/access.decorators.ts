import { SetMetadata } from '@nestjs/common';
import type { WriteAction } from '@dgr/domain';

export const PUBLIC = 'dgr:public';
export const WRITES = 'dgr:writes';

/** Open without a token (health). */
export const Public = () => SetMetadata(PUBLIC, true);

/**
 * A write endpoint: allowed only to the roles the authority table gives this action. It is also what opts a
 * route into `Idempotency-Key` (IdempotencyInterceptor): every other route ignores the header.
 */
export const Writes = (action: WriteAction) => SetMetadata(WRITES, action);
