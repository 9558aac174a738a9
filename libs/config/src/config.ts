import type { SieAccounts } from '@dgr/application';
import { auditSection, type AuditConfig } from './audit.config';
import { mailSection, type MailConfig } from './mail.config';
import { publicSection, type PublicConfig } from './public.config';
import { operationsSection, type OperationsConfig } from './operations.config';
import type { Env } from './parse';
import { serviceSection } from './service.config';
import { sieSection } from './sie.config';
import { storeSection, type StoreConfig } from './store.config';
import { tokensSection, type AuthConfig } from './tokens.config';
import { webSection, type WebConfig } from './web.config';

/**
 * The service's configuration: this library is the only place that reads process.env. Every value is checked
 * at boot, section by section (one parser each, on the shared helpers of parse.ts); a bad one stops the start
 * with a message naming the variable.
 */
export interface Config {
  /** TCP port of the HTTP API. `PORT`, default 3000. */
  readonly port: number;
  /** The embedded store's file. `DGR_SQLITE_FILE`, default `./data/dgr.sqlite`. */
  readonly sqliteFile: string;
  /** Which event store holds the log: `DGR_STORE` (docs/operations.md). */
  readonly store: StoreConfig;
  /** The evidence files' folder (content-addressed): `DGR_BLOB_DIR`, default `blobs` beside `DGR_SQLITE_FILE` (docs/evidence.md). */
  readonly blobDir: string;
  /**
   * The read models' own SQLite file, rebuilt from the log when missing or damaged. `DGR_READ_MODEL_FILE`, default
   * `read-models.sqlite` in DGR_SQLITE_FILE's folder (also with DGR_STORE=eventstoredb: one per instance).
   */
  readonly readModelFile: string;
  /**
   * `DGR_READ_MODEL_FILE` is not set: when another process (another instance on the same log) holds the default
   * file, this one takes the next free slot beside it, `read-models.2.sqlite`, `.3`, … (ADR 0020). A file set
   * explicitly is this instance's alone: held by another process, the start stops.
   */
  readonly readModelSlots: boolean;
  /**
   * The business read models are applied on a worker thread of their own, which holds the read-model file's write
   * connection; the main thread only reads it (ADR 0021). `DGR_READ_MODEL_WORKER`, `true` or `false` (default `true`:
   * at 1,000,000 events it doubled the rate of HTTP decisions and kept the resident memory within target 5; docs/benchmarks.md).
   * Only with a SQLite store in a file and a read-model file (not `:memory:`); otherwise they are applied in the process.
   */
  readonly readModelWorker: boolean;
  /** Bearer tokens: their key, issuer, audience and longest lifetime. */
  readonly auth: AuthConfig;
  /** Requests per minute per token subject. `DGR_RATE_LIMIT_PER_MINUTE`, default 600; 0 turns it off. */
  readonly rateLimitPerMinute: number;
  /**
   * Requests per minute per client address without a valid token or session. `DGR_RATE_LIMIT_ANONYMOUS_PER_MINUTE`,
   * default 300; 0 turns it off.
   */
  readonly rateLimitAnonymousPerMinute: number;
  /**
   * Express's `trust proxy` (the client address behind a reverse proxy): `DGR_TRUST_PROXY`, a number of proxy hops
   * or a comma-separated list of the proxies' addresses or subnets (`loopback`, `10.0.0.0/8`); unset: the socket's peer.
   */
  readonly trustProxy: number | string | undefined;
  /** Origins allowed by CORS. `DGR_CORS_ORIGINS`, comma-separated; empty (default): CORS closed. */
  readonly corsOrigins: readonly string[];
  /** The BAS accounts of the fund's SIE export (`dgr export --format sie`). */
  readonly sieAccounts: SieAccounts;
  /** Signed checkpoints of the log (docs/audit.md). */
  readonly audit: AuditConfig;
  /**
   * Grants wait until the initiative's consensus is final (laga kraft: every approval past its appeal
   * window, no appeal pending). `DGR_REQUIRE_FINAL_CONSENSUS`, `true` or `false` (default).
   */
  readonly requireFinalConsensus: boolean;
  /** Reminders by e-mail (`dgr remind`, GET /api/reminders; docs/reminders.md). */
  readonly mail: MailConfig;
  /** Sign-in to the web pages (docs/web.md). */
  readonly web: WebConfig;
  /** The public pages and open data, `DGR_PUBLIC` (docs/public.md). */
  readonly public: PublicConfig;
  /** Metrics, readiness and shutdown (docs/operations.md). */
  readonly operations: OperationsConfig;
}

/** Reads the environment; `overrides` (e.g. a command's `--file`) win over it. */
export const loadConfig = (source: Env = process.env, overrides: Record<string, string | undefined> = {}): Config => {
  const env: Record<string, string | undefined> = { ...source };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) env[k] = v;
  const service = serviceSection(env);
  const { sqliteFile, store, blobDir, readModelFile, readModelSlots, readModelWorker } = storeSection(env);
  return {
    port: service.port,
    sqliteFile,
    store,
    blobDir,
    readModelFile,
    readModelSlots,
    readModelWorker,
    auth: tokensSection(env, sqliteFile),
    rateLimitPerMinute: service.rateLimitPerMinute,
    rateLimitAnonymousPerMinute: service.rateLimitAnonymousPerMinute,
    trustProxy: service.trustProxy,
    corsOrigins: service.corsOrigins,
    sieAccounts: sieSection(env),
    audit: auditSection(env, sqliteFile),
    requireFinalConsensus: service.requireFinalConsensus,
    mail: mailSection(env),
    web: webSection(env, sqliteFile),
    public: publicSection(env),
    operations: operationsSection(env),
  };
};
