import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ProposeInitiativeDto, ReviseInitiativeDto } from './initiatives.dto';

/** The first message class-validator gives for each refused field, as the API's problem answer lists them. */
const refusals = (cls: new () => object, body: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(
    validateSync(plainToInstance(cls, body), { whitelist: true, forbidNonWhitelisted: true }).map((e) => [e.property, Object.values(e.constraints ?? { nested: 'nested' })[0]!]),
  );

const bad = {
  title: 'x'.repeat(301),
  summary: 5,
  requestedAmountOre: 1.5,
  strategyLinks: 'Höja kompetensen',
  coFinancing: [{ source: 'Tillväxtverket', amountOre: -1 }],
  decisionDeadline: '2024-13-01',
};

describe('the revision DTO is derived from the proposal DTO', () => {
  it('refuses each changed field with the proposal\'s own Swedish message', () => {
    const revision = refusals(ReviseInitiativeDto, { reason: 'Ändrat.', ...bad });
    const proposal = refusals(ProposeInitiativeDto, { proposedBy: '1780', proposedOn: '2024-02-01', ...bad });
    expect(revision).toEqual(proposal);
    expect(revision).toMatchObject({
      title: 'title får vara högst 300 tecken',
      requestedAmountOre: 'requestedAmountOre måste vara ett heltal öre (1 kr = 100 öre)',
      strategyLinks: 'strategyLinks måste vara en lista',
    });
  });

  it('refuses an empty title or summary, as a proposal does (the revision DTO of its own let them through)', () => {
    expect(refusals(ReviseInitiativeDto, { reason: 'Ändrat.', title: '', summary: '' })).toEqual({ title: 'title får inte vara tomt', summary: 'summary får inte vara tomt' });
  });

  it('takes any one field alone, and needs only the reason', () => {
    expect(refusals(ReviseInitiativeDto, { reason: 'Beloppet sänks.', requestedAmountOre: 100 })).toEqual({});
    expect(refusals(ReviseInitiativeDto, { reason: 'Ny titel.', title: 'Ett annat namn' })).toEqual({});
    expect(Object.keys(refusals(ReviseInitiativeDto, {}))).toEqual(['reason']);
    expect(refusals(ReviseInitiativeDto, { reason: 'x', proposedBy: '1780' })).toEqual({ proposedBy: 'property proposedBy should not exist' });
  });
});
