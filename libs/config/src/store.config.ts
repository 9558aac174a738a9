import path from 'node:path';
import { ConfigError } from './config-error';
import { dataFolderOf, flag, type Env } from './parse';

/**
 * `DGR_STORE=sqlite` (default): the embedded store in `DGR_SQLITE_FILE`. `DGR_STORE=eventstoredb`: an EventStoreDB
 * (KurrentDB) server or cluster at `EVENTSTORE_CONNECTION_STRING` (`esdb://host:2113?tls=false`,
 * `esdb://a:2113,b:2113,c:2113`, `esdb+discover://cluster.dns:2113`). Secrets and keys stay in the
 * `DGR_SQLITE_FILE` folder either way.
 */
export type StoreConfig = { readonly kind: 'sqlite' } | { readonly kind: 'eventstoredb'; readonly connectionString: string };

/**
 * The store section: `DGR_SQLITE_FILE` (default `./data/dgr.sqlite`), `DGR_STORE`, `EVENTSTORE_CONNECTION_STRING`,
 * and `DGR_BLOB_DIR`, the folder of the decisions' evidence files (default `blobs` beside the store's file);
 * `DGR_READ_MODEL_FILE` (default `read-models.sqlite` beside `DGR_SQLITE_FILE`; `:memory:` when the store is).
 * `readModelSlots`: the default file is used (unset `DGR_READ_MODEL_FILE`), so an instance that finds it held by
 * another process takes the next free slot beside it (ADR 0020); a file set explicitly is this instance's alone.
 * `DGR_READ_MODEL_WORKER` (`true`/`false`): the business read models are applied on a worker thread (ADR 0021).
 */
export const storeSection = (
  env: Env,
): { sqliteFile: string; store: StoreConfig; blobDir: string; readModelFile: string; readModelSlots: boolean; readModelWorker: boolean } => {
  const sqliteFile = env.DGR_SQLITE_FILE === undefined ? './data/dgr.sqlite' : env.DGR_SQLITE_FILE.trim();
  if (sqliteFile === '') throw new ConfigError('DGR_SQLITE_FILE', 'must be a file path, got an empty value');
  const readModelFile = readModelFileOf(env, sqliteFile);
  const readModelSlots = env.DGR_READ_MODEL_FILE === undefined && readModelFile !== ':memory:';
  const readModelWorker = flag(env, 'DGR_READ_MODEL_WORKER', true);
  return { sqliteFile, store: storeKind(env), blobDir: blobDirOf(env, sqliteFile), readModelFile, readModelSlots, readModelWorker };
};

const blobDirOf = (env: Env, sqliteFile: string): string => {
  if (env.DGR_BLOB_DIR === undefined) return `${dataFolderOf(sqliteFile).replace(/\/$/, '')}/blobs`;
  const dir = env.DGR_BLOB_DIR.trim();
  if (dir === '') throw new ConfigError('DGR_BLOB_DIR', 'must be a folder path, got an empty value');
  return dir;
};

const readModelFileOf = (env: Env, sqliteFile: string): string => {
  if (env.DGR_READ_MODEL_FILE === undefined) return sqliteFile === ':memory:' ? ':memory:' : `${dataFolderOf(sqliteFile)}/read-models.sqlite`;
  const file = env.DGR_READ_MODEL_FILE.trim();
  if (file === '') throw new ConfigError('DGR_READ_MODEL_FILE', 'must be a file path, got an empty value');
  if (path.resolve(file) === path.resolve(sqliteFile)) throw new ConfigError('DGR_READ_MODEL_FILE', 'must be another file than DGR_SQLITE_FILE (the read models are rebuilt from the log, never kept in it)');
  return file;
};

const storeKind = (env: Env): StoreConfig => {
  const kind = env.DGR_STORE?.trim().toLowerCase() || 'sqlite';
  const connectionString = env.EVENTSTORE_CONNECTION_STRING?.trim() || '';
  if (kind === 'sqlite') return { kind };
  if (kind !== 'eventstoredb') throw new ConfigError('DGR_STORE', `must be sqlite or eventstoredb, got "${env.DGR_STORE}"`);
  if (connectionString === '')
    throw new ConfigError('EVENTSTORE_CONNECTION_STRING', 'must be set when DGR_STORE=eventstoredb, e.g. esdb://localhost:2113?tls=false');
  if (!/^esdb(\+discover)?:\/\/\S+$/.test(connectionString))
    throw new ConfigError('EVENTSTORE_CONNECTION_STRING', 'must be a connection string like esdb://localhost:2113?tls=false or esdb+discover://cluster.dns:2113');
  return { kind, connectionString };
};
