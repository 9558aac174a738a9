/** RFC 9457 problem details, as every error of the API is answered. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance: string;
  /** A stable machine-readable key of the problem. */
  readonly code: string;
  /** For invalid input: each offending field and what is wrong with it (the first 20). */
  readonly errors?: ReadonlyArray<{ readonly field: string; readonly message: string }>;
  /** With `errors`: how many offending fields there were in all (more than `errors` lists when over 20). */
  readonly errorCount?: number;
  /** For 409 proposal-revised (issue 15): the proposal's current version and its text hash. */
  readonly currentVersion?: number;
  readonly textHash?: string;
  /** For an event this version cannot read (503): which event, and why. */
  /** For GET /api/health/ready (503): terminus's result, each check with its status. */
  readonly checks?: unknown;
  readonly event?: { readonly position: number; readonly stream: string; readonly type: string; readonly schemaVersion: unknown; readonly reason: string; readonly detail: string };
}

export const problemType = (code: string): string => `urn:dgr:problem:${code}`;
