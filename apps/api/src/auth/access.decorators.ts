import { SetMetadata } from '@nestjs/common';
import type { WriteAction } from '@dgr/domain';

export const PUBLIC = 'dgr:public';
export const WRITES = 'dgr:writes';

/** Open without a token (health). */
export const Public = () => SetMetadata(PUBLIC, true);

/** A write endpoint: allowed only to the roles the authority table gives this action. */
export const Writes = (action: WriteAction) => SetMetadata(WRITES, action);
