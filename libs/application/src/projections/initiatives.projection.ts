import { Injectable } from '@nestjs/common';
import { evolve, type Initiative, type InitiativeEvent } from '@dgr/domain';
import type { RecordedEvent } from '@dgr/event-store';

/** Every initiative's current state, folded with the domain's own evolve. */
@Injectable()
export class InitiativesProjection {
  private readonly byId = new Map<string, Initiative>();

  apply(event: RecordedEvent): void {
    if (!event.stream.startsWith('initiative-')) return;
    const e = event as unknown as InitiativeEvent;
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
