import { InMemoryEventStore, type EventStore, type NewEvent } from '@dgr/event-store';
import { Metrics } from './metrics';

const event = (id: string): NewEvent => ({
  id,
  type: 'ReminderSent',
  data: { n: 1 },
  metadata: { recordedAt: '2025-06-15T10:00:00.000Z', correlationId: 'spec', causationId: null, schemaVersion: 1, actor: null },
});

describe('Metrics.timedStore: the store the app uses, with its appends timed', () => {
  it('keeps appendMany (one transaction for a cross-stream write, ADR 0010) and times it', async () => {
    const metrics = new Metrics();
    const timed = metrics.timedStore(new InMemoryEventStore());
    expect(timed.appendMany).toBeDefined();
    await timed.appendMany!([
      { stream: 'a', events: [event('1')], expected: 'no_stream' },
      { stream: 'b', events: [event('2')], expected: 'no_stream' },
    ]);
    expect((await timed.readAll(0, 10)).map((e) => e.stream)).toEqual(['a', 'b']);
    expect(await metrics.registry.getSingleMetricAsString('dgr_append_duration_seconds')).toMatch(/dgr_append_duration_seconds_count 1\b/);
  });

  it('has no appendMany where the store has none (EventStoreDB: writers reserve and compensate)', () => {
    const store = new InMemoryEventStore();
    const without: EventStore = {
      append: (s, e, x) => store.append(s, e, x),
      readStream: (s, from) => store.readStream(s, from),
      readAll: (a, m) => store.readAll(a, m),
      headPosition: () => store.headPosition(),
      subscribeToAll: (a, h) => store.subscribeToAll(a, h),
      close: () => store.close(),
    };
    expect(new Metrics().timedStore(without).appendMany).toBeUndefined();
  });

  it('reads a stream from the revision asked for', async () => {
    const timed = new Metrics().timedStore(new InMemoryEventStore());
    await timed.append('s', [event('1'), event('2'), event('3')], 'no_stream');
    expect((await timed.readStream('s', 1)).map((e) => e.revision)).toEqual([1, 2]);
  });
});
