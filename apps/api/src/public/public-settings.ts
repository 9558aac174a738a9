import type { PublicConfig } from '@dgr/config';

/** The public view's configuration (DGR_PUBLIC…), injected into its controllers. */
export class PublicSettings {
  constructor(readonly config: PublicConfig) {}
}
