/**
 * The service's configuration: the only place that reads process.env. Every value is checked at
 * boot; a bad one stops the start with a message naming the variable.
 */
export interface Config {
  /** TCP port of the HTTP API. `PORT`, default 3000. */
  readonly port: number;
  /** The embedded store's file. `DGR_SQLITE_FILE`, default `./data/dgr.sqlite`. */
  readonly sqliteFile: string;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const rawPort = env.PORT?.trim() || '3000';
  if (!/^\d+$/.test(rawPort) || Number(rawPort) > 65535)
    throw new ConfigError('PORT', `must be a whole number from 0 to 65535, got "${env.PORT}"`);
  const sqliteFile = env.DGR_SQLITE_FILE === undefined ? './data/dgr.sqlite' : env.DGR_SQLITE_FILE.trim();
  if (sqliteFile === '') throw new ConfigError('DGR_SQLITE_FILE', 'must be a file path, got an empty value');
  return { port: Number(rawPort), sqliteFile };
};
