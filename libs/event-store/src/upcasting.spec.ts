import type { RecordedEvent } from './event-store.port';
import { EventSchemaError, EventSchemas, eventSchemaProblems, UnreadableEvent, type Upcaster } from './upcasting';

const stored = (type: string, schemaVersion: unknown, data: unknown): RecordedEvent => ({
  id: 'e1',
  position: 7,
  stream: 'thing-1',
  revision: 0,
  type,
  data,
  metadata: { recordedAt: '2026-01-01T00:00:00Z', correlationId: 'c', causationId: null, schemaVersion: schemaVersion as number, actor: null },
  hash: 'h',
  previousHash: null,
});

const step = (type: string, from: number, field: string): Upcaster => ({
  type,
  from,
  upcast: (data) => ({ ...(data as object), [field]: from + 1 }),
});

describe('the event schema declaration, checked at start', () => {
  it('accepts a whole chain', () => {
    expect(eventSchemaProblems({ current: { A: 3, B: 1 }, upcasters: [step('A', 1, 'x'), step('A', 2, 'y')] })).toEqual([]);
  });

  it('refuses a gap in a chain', () => {
    expect(() => new EventSchemas({ current: { A: 3 }, upcasters: [step('A', 2, 'y')] })).toThrow(/A: no upcaster from version 1 \(current 3\)/);
  });

  it('refuses two upcasters from the same version', () => {
    expect(eventSchemaProblems({ current: { A: 2 }, upcasters: [step('A', 1, 'x'), step('A', 1, 'y')] })).toEqual(['A: two upcasters from version 1']);
  });

  it('refuses a chain that ends below the current version', () => {
    expect(eventSchemaProblems({ current: { A: 3 }, upcasters: [step('A', 1, 'x')] })).toEqual(['A: no upcaster from version 2 (current 3)']);
  });

  it('refuses an upcaster past the current version, and one for a type without a version', () => {
    expect(eventSchemaProblems({ current: { A: 2 }, upcasters: [step('A', 1, 'x'), step('A', 2, 'y'), step('Z', 1, 'z')] })).toEqual([
      'A: an upcaster from version 2, outside 1…1',
      'Z: an upcaster for a type that has no current version',
    ]);
  });

  it('names every problem in the error', () => {
    const e = (() => {
      try {
        new EventSchemas({ current: { A: 0 }, upcasters: [] });
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(EventSchemaError);
    expect((e as EventSchemaError).problems).toEqual(['A: current version 0 is not an integer ≥ 1']);
  });
});

describe('reading a stored event', () => {
  const schemas = new EventSchemas({ current: { A: 3, B: 1 }, upcasters: [step('A', 1, 'x'), step('A', 2, 'y')] });

  it('chains the upcasters from the stored version to the current one', () => {
    expect(schemas.read(stored('A', 1, { n: 1 }))).toEqual({ type: 'A', data: { n: 1, x: 2, y: 3 } });
    expect(schemas.read(stored('A', 2, { n: 1 }))).toEqual({ type: 'A', data: { n: 1, y: 3 } });
    expect(schemas.read(stored('B', 1, { n: 1 }))).toEqual({ type: 'B', data: { n: 1 } });
  });

  it('never changes the stored event', () => {
    const event = stored('A', 1, { n: 1 });
    const before = JSON.stringify(event);
    schemas.read(event);
    expect(JSON.stringify(event)).toBe(before);
  });

  const refusal = (event: RecordedEvent): UnreadableEvent => {
    try {
      schemas.read(event);
    } catch (e) {
      if (e instanceof UnreadableEvent) return e;
      throw e;
    }
    throw new Error('read');
  };

  it('refuses an unknown type, naming the event', () => {
    const e = refusal(stored('FutureThing', 1, {}));
    expect(e.toJSON()).toEqual({
      position: 7,
      stream: 'thing-1',
      type: 'FutureThing',
      schemaVersion: 1,
      reason: 'unknown-type',
      detail: 'this version of the service does not know the type FutureThing',
    });
  });

  it('refuses a version newer than it knows', () => {
    expect(refusal(stored('A', 4, {})).reason).toBe('newer-version');
  });

  it('refuses a missing or odd schemaVersion', () => {
    expect(refusal(stored('A', undefined, {})).reason).toBe('bad-version');
    expect(refusal(stored('A', '1', {})).reason).toBe('bad-version');
    expect(refusal(stored('A', 1.5, {})).reason).toBe('bad-version');
  });

  it('refuses data that is not an object', () => {
    expect(refusal(stored('B', 1, 'text')).reason).toBe('malformed');
    expect(refusal(stored('B', 1, null)).reason).toBe('malformed');
  });

  it('refuses what an upcaster refuses, with its words', () => {
    const strict = new EventSchemas({
      current: { A: 2 },
      upcasters: [{ type: 'A', from: 1, upcast: () => { throw new Error('no party'); } }],
    });
    try {
      strict.read(stored('A', 1, {}));
      throw new Error('read');
    } catch (e) {
      expect((e as UnreadableEvent).reason).toBe('upcast-refused');
      expect((e as UnreadableEvent).detail).toBe('the upcaster from version 1 refuses it: no party');
    }
  });
});
