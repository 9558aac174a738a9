import type { RecordedEvent } from './event-store.port';

/**
 * Event versions and upcasting (ADR 0011). A stored event is never changed: its `metadata.schemaVersion` says
 * which shape its `data` has, and a chain of pure upcasters, each from version n to n + 1, turns it into the
 * current shape when it is read. The hash always covers the stored bytes: an event's hash is checked on the
 * stored event, and an upcast event is never hashed (this module returns only its type and data, never a
 * RecordedEvent).
 *
 * This library knows no event type: the domain declares its types' versions and upcasters, and the
 * application hands them to `EventSchemas`.
 */

/** Turns the `data` of one type's version `from` into version `from + 1`; throws (any Error) to refuse it. */
export interface Upcaster {
  readonly type: string;
  readonly from: number;
  readonly upcast: (data: unknown) => unknown;
}

/** Every type this version can read, with its current version, and the upcasters to reach it. */
export interface EventSchemaDeclaration {
  readonly current: Readonly<Record<string, number>>;
  readonly upcasters: readonly Upcaster[];
}

/** A declaration that cannot read every version it claims to: refused at start. */
export class EventSchemaError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The event versions and upcasters do not fit together: ${problems.join('; ')}`);
    this.name = 'EventSchemaError';
  }
}

/** Why an event cannot be read by this version of the service. */
export type UnreadableReason = 'unknown-type' | 'newer-version' | 'bad-version' | 'malformed' | 'upcast-refused';

/**
 * A stored event this version cannot read: a type it does not know, a version newer than it knows, or data
 * that its upcaster (or the domain) refuses. Names the event by position, stream and type.
 */
export class UnreadableEvent extends Error {
  constructor(
    readonly position: number,
    readonly stream: string,
    readonly eventType: string,
    readonly schemaVersion: unknown,
    readonly reason: UnreadableReason,
    readonly detail: string,
  ) {
    super(`Event at position ${position} (stream ${stream}, type ${eventType}, schemaVersion ${String(schemaVersion)}) cannot be read: ${detail}`);
    this.name = 'UnreadableEvent';
  }

  /** As JSON, for readiness answers and `dgr verify`. */
  toJSON(): { position: number; stream: string; type: string; schemaVersion: unknown; reason: UnreadableReason; detail: string } {
    return { position: this.position, stream: this.stream, type: this.eventType, schemaVersion: this.schemaVersion, reason: this.reason, detail: this.detail };
  }
}

/** The checks made at start: every problem found, none means the declaration is whole. */
export const eventSchemaProblems = (declaration: EventSchemaDeclaration): string[] => {
  const problems: string[] = [];
  for (const [type, version] of Object.entries(declaration.current))
    if (!Number.isSafeInteger(version) || version < 1) problems.push(`${type}: current version ${String(version)} is not an integer ≥ 1`);
  const seen = new Set<string>();
  for (const u of declaration.upcasters) {
    const key = `${u.type}@${u.from}`;
    if (seen.has(key)) problems.push(`${u.type}: two upcasters from version ${u.from}`);
    seen.add(key);
    const current = declaration.current[u.type];
    if (current === undefined) problems.push(`${u.type}: an upcaster for a type that has no current version`);
    else if (!Number.isSafeInteger(u.from) || u.from < 1 || u.from >= current)
      problems.push(`${u.type}: an upcaster from version ${u.from}, outside 1…${current - 1}`);
  }
  // Every version below the current one must have its step: no gap, no chain that ends below the current version.
  for (const [type, current] of Object.entries(declaration.current))
    for (let v = 1; v < current; v++) if (!seen.has(`${type}@${v}`)) problems.push(`${type}: no upcaster from version ${v} (current ${current})`);
  return problems;
};

/** What a stored event holds once read: its type and its data in the current version's shape. */
export interface ReadEvent {
  readonly type: string;
  readonly data: unknown;
}

/**
 * The checked declaration: reads a stored event into its current shape, or refuses it with UnreadableEvent.
 * Constructing one checks the declaration (EventSchemaError), so a process that would misread the log does
 * not start.
 */
export class EventSchemas {
  private readonly steps = new Map<string, Upcaster['upcast']>();

  constructor(private readonly declaration: EventSchemaDeclaration) {
    const problems = eventSchemaProblems(declaration);
    if (problems.length > 0) throw new EventSchemaError(problems);
    for (const u of declaration.upcasters) this.steps.set(`${u.type}@${u.from}`, u.upcast);
  }

  /** The version new events of `type` are written with; throws for a type this version does not know. */
  currentVersion(type: string): number {
    const version = this.declaration.current[type];
    if (version === undefined) throw new Error(`No current version for event type ${type}`);
    return version;
  }

  knows(type: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.declaration.current, type);
  }

  /** The stored event's data in its type's current shape. Pure: the stored event is not touched. */
  read(event: RecordedEvent): ReadEvent {
    const version: unknown = (event.metadata as { schemaVersion?: unknown } | null)?.schemaVersion;
    const refuse = (reason: UnreadableReason, detail: string): UnreadableEvent =>
      new UnreadableEvent(event.position, event.stream, event.type, version, reason, detail);
    if (!this.knows(event.type)) throw refuse('unknown-type', `this version of the service does not know the type ${event.type}`);
    const current = this.declaration.current[event.type]!;
    if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1)
      throw refuse('bad-version', `metadata.schemaVersion is ${JSON.stringify(version)}, not an integer ≥ 1`);
    if (version > current) throw refuse('newer-version', `version ${version} is newer than this version of the service reads (${current})`);
    if (typeof event.data !== 'object' || event.data === null || Array.isArray(event.data))
      throw refuse('malformed', 'data is not a JSON object');
    let data: unknown = event.data;
    for (let v = version; v < current; v++) {
      try {
        data = this.steps.get(`${event.type}@${v}`)!(data);
      } catch (e) {
        throw refuse('upcast-refused', `the upcaster from version ${v} refuses it: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return { type: event.type, data };
  }
}
