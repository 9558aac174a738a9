import type { CommandBus } from '@nestjs/cqrs';
import {
  AttachDecisionEvidenceCommand,
  AwardGrantCommand,
  CancelInitiativeCommand,
  CloseYearCommand,
  CorrectPartyDecisionCommand,
  DepositToFundCommand,
  PrepareInitiativeCommand,
  ProposeInitiativeCommand,
  RegisterPartyDecisionCommand,
  ReportOutcomeCommand,
  ReturnToFundCommand,
  ReviseInitiativeCommand,
  WithdrawFromFundCommand,
  type RequestContext,
} from '@dgr/application';
import { randomUUID } from 'node:crypto';
import type { DemoStep } from './demo-history';
import { tinyPdf } from './tiny-pdf';

const bodyOf = (party: string): string => (party === '17' ? 'regionfullmäktige' : 'kommunfullmäktige');

/**
 * Plays the demo history through the same command handlers as the API, so every rule is checked
 * exactly as for a clerk's request. Returns the id given to each initiative.
 */
export const playDemo = async (
  commands: CommandBus,
  steps: readonly DemoStep[],
  onStep: (done: number, total: number) => void = () => undefined,
): Promise<Map<string, string>> => {
  const ids = new Map<string, string>();
  const ctx: RequestContext = {
    correlationId: `seed-demo-${randomUUID()}`,
    actor: { sub: 'dgr-seed-demo', name: 'Demodata (dgr seed-demo)', role: 'system' },
  };
  const idOf = (key: string): string => {
    const id = ids.get(key);
    if (!id) throw new Error(`Demo step refers to unknown initiative "${key}"`);
    return id;
  };
  let done = 0;
  for (const step of steps) {
    switch (step.kind) {
      case 'propose': {
        const initiativeId = randomUUID();
        ids.set(step.key, initiativeId);
        await commands.execute(new ProposeInitiativeCommand({ ...step.data, initiativeId }, ctx));
        break;
      }
      case 'prepare':
        await commands.execute(
          new PrepareInitiativeCommand(
            { initiativeId: idOf(step.key), preparedBy: step.preparedBy, preparedOn: step.preparedOn, recommendation: step.recommendation, notes: step.notes },
            ctx,
          ),
        );
        break;
      case 'decide':
        await commands.execute(
          new RegisterPartyDecisionCommand(
            {
              initiativeId: idOf(step.key),
              party: step.party,
              outcome: step.outcome,
              decidedOn: step.decidedOn,
              body: bodyOf(step.party),
              minuteReference: step.minuteReference,
              caseNumber: step.caseNumber,
              minutesApprovedOn: step.minutesApprovedOn,
              noticePostedOn: step.noticePostedOn,
            },
            ctx,
          ),
        );
        break;
      case 'correct':
        await commands.execute(
          new CorrectPartyDecisionCommand(
            {
              initiativeId: idOf(step.key),
              party: step.party,
              outcome: step.outcome,
              decidedOn: step.decidedOn,
              body: bodyOf(step.party),
              minuteReference: step.minuteReference,
              reason: step.reason,
            },
            ctx,
          ),
        );
        break;
      case 'cancel':
        await commands.execute(
          new CancelInitiativeCommand({ initiativeId: idOf(step.key), reason: step.reason, cancelledOn: step.cancelledOn }, ctx),
        );
        break;
      case 'report':
        await commands.execute(new ReportOutcomeCommand({ initiativeId: idOf(step.key), year: step.year, summary: step.summary }, ctx));
        break;
      case 'deposit':
        await commands.execute(
          new DepositToFundCommand({ amountOre: step.amountOre, source: step.source, bookedOn: step.bookedOn, reference: step.reference }, ctx),
        );
        break;
      case 'grant':
        await commands.execute(
          new AwardGrantCommand(
            { initiativeId: idOf(step.key), amountOre: step.amountOre, decidedOn: step.decidedOn, reference: step.reference },
            ctx,
          ),
        );
        break;
      case 'withdraw':
        await commands.execute(
          new WithdrawFromFundCommand(
            { initiativeId: idOf(step.key), amountOre: step.amountOre, bookedOn: step.bookedOn, reference: step.reference },
            ctx,
          ),
        );
        break;
      case 'return':
        await commands.execute(
          new ReturnToFundCommand({ initiativeId: idOf(step.key), amountOre: step.amountOre, bookedOn: step.bookedOn, reason: step.reason }, ctx),
        );
        break;
      case 'close':
        await commands.execute(new CloseYearCommand({ year: step.year }, ctx));
        break;
      case 'revise':
        await commands.execute(
          new ReviseInitiativeCommand({ initiativeId: idOf(step.key), reason: step.reason, revisedOn: step.revisedOn, ...step.changes }, ctx),
        );
        break;
      case 'evidence':
        await commands.execute(new AttachDecisionEvidenceCommand({ initiativeId: idOf(step.key), party: step.party, file: tinyPdf(step.lines) }, ctx));
        break;
      default: {
        const _never: never = step;
        throw new Error(`Unknown demo step ${JSON.stringify(_never)}`);
      }
    }
    onStep(++done, steps.length);
  }
  return ids;
};
