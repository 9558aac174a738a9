import type { PublicConfig } from './public-config';

/** The public view's configuration (DGR_PUBLIC…), injected into its controllers. */
export class PublicSettings {
  constructor(readonly config: PublicConfig) {}
}
