import { Injectable } from '@nestjs/common';
import { evolve, INITIATIVE_EVENT_TYPES, type Initiative, type InitiativeEvent } from '@dgr/domain';
import { toDomainEvent } from '../domain-events';
import { UnreadableEvent, type RecordedEvent } from '@dgr/event-store';

export const isInitiativeStream = (stream: string): boolean => stream.startsWith('initiative-');

const isInitiativeEvent = (e: { type: string }): e is InitiativeEvent => (INITIATIVE_EVENT_TYPES as readonly string[]).includes(e.type);

const notInStream = (event: RecordedEvent): UnreadableEvent =>
  new UnreadableEvent(event.position, event.stream, event.type, event.metadata.schemaVersion, 'malformed', `${event.type} does not belong in the stream ${event.stream}`);

/** Every initiative's current state, folded with the domain's own evolve. */
@Injectable()
export class InitiativesProjection {
  private readonly byId = new Map<string, Initiative>();

  /** Folds the event when it is one of an initiative's stream; throws UnreadableEvent for one this version cannot read. */
  apply(event: RecordedEvent): void {
    if (!isInitiativeStream(event.stream)) return;
    const e = toDomainEvent(event);
    if (!isInitiativeEvent(e)) throw notInStream(event);
    const id = event.stream.slice('initiative-'.length);
    this.byId.set(id, evolve(this.byId.get(id) ?? null, e));
  }

  get(id: string): Initiative | null {
    return this.byId.get(id) ?? null;
  }

  /** In the order proposed. */
  all(): Initiative[] {
    return [...this.byId.values()];
  }
}
