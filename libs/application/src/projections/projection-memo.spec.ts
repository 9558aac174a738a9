import { Logger } from '@nestjs/common';
import { EVENT_VERSIONS, type InitiativeEvent } from '@dgr/domain';
import { approvedBy, EDA, INITIATIVE_ID, KARLSTAD, KIL, proposed } from '@dgr/domain/testing';
import type { RecordedEvent } from '@dgr/event-store';
import { ReadModelDb } from '@dgr/read-model-store';
import { toDomainEvent } from '../domain-events';
import { InitiativesProjection } from './initiatives.projection';
import { RuleViolationsProjection } from './rule-violations.projection';
import type { ParsedEvent } from './persistent-projection';
import { useReadModelFiles } from '../testing/read-model-files';

/*
 * The read models remember the states they folded last (a memo, so that a live write does not parse its
 * initiative's row again). The memo must never stand in for rows that changed behind it: another writer on the
 * same file, or a batch whose enclosing transaction rolled back.
 */

const recorded = (position: number, e: InitiativeEvent): ParsedEvent => {
  const event: RecordedEvent = {
    id: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    position,
    stream: `initiative-${INITIATIVE_ID}`,
    revision: position - 1,
    type: e.type,
    data: e.data,
    metadata: { recordedAt: '2026-06-15T10:00:00.000Z', correlationId: 'spec', causationId: null, schemaVersion: EVENT_VERSIONS[e.type], actor: null },
    hash: `hash-${position}`,
    previousHash: position === 1 ? null : `hash-${position - 1}`,
  };
  return { event, domain: toDomainEvent(event) };
};

const parties = (p: InitiativesProjection): string[] => [...(p.get(INITIATIVE_ID)?.decisions.keys() ?? [])].sort();

const { open } = useReadModelFiles('dgr-memo-');

beforeAll(() => Logger.overrideLogger(false));

describe('the read models’ memo of folded states', () => {
  it('is not used after another writer applied events to the same file: the row is read again', () => {
    const a = new InitiativesProjection(open());
    const b = new InitiativesProjection(open());
    a.applyBatch([recorded(1, proposed()), recorded(2, approvedBy(KIL, '2026-03-01'))]);
    b.applyBatch([recorded(3, approvedBy(EDA, '2026-03-02'))]);
    a.applyBatch([recorded(4, approvedBy(KARLSTAD, '2026-03-03'))]);
    expect(parties(a)).toEqual([EDA, KIL, KARLSTAD].sort());
    expect(a.position).toBe(4);
  });

  it('is not used after the transaction around a batch rolled back', () => {
    const db = open();
    const a = new InitiativesProjection(db);
    a.applyBatch([recorded(1, proposed()), recorded(2, approvedBy(KIL, '2026-03-01'))]);
    expect(() =>
      db.transaction(() => {
        a.applyBatch([recorded(3, approvedBy(EDA, '2026-03-02'))]);
        throw new Error('a later read model failed');
      }),
    ).toThrow('a later read model failed');
    a.applyBatch([recorded(3, approvedBy(KARLSTAD, '2026-03-03'))]);
    expect(parties(a)).toEqual([KIL, KARLSTAD].sort());
  });

  it('the rule scan reads its state again after another writer: a second decision by a party is found either way', () => {
    const a = new RuleViolationsProjection(open());
    const b = new RuleViolationsProjection(open());
    a.applyBatch([recorded(1, proposed())]);
    b.applyBatch([recorded(2, approvedBy(KIL, '2026-03-01'))]);
    a.applyBatch([recorded(3, approvedBy(KIL, '2026-03-02'))]);
    const other = new RuleViolationsProjection(open());
    const replayed = new RuleViolationsProjection(new ReadModelDb());
    replayed.applyBatch([recorded(1, proposed()), recorded(2, approvedBy(KIL, '2026-03-01')), recorded(3, approvedBy(KIL, '2026-03-02'))]);
    expect(replayed.all().length).toBeGreaterThan(0);
    expect(other.all()).toEqual(replayed.all());
  });
});
