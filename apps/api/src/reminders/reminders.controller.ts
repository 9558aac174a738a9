import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { Reminders, type PartyReminderPage, type ReminderContacts } from '@dgr/application';
import { PARTY_IDS, type PartyId } from '@dgr/domain';
import { DateField } from '../http/fields';

/** Each party's contact address (DGR_PARTY_CONTACTS), given by the app module. */
export const REMINDER_CONTACTS = Symbol('REMINDER_CONTACTS');

/** Each party's lists are cut to this many items unless `limit` says otherwise (the totals say how many there are). */
export const REMINDERS_DEFAULT_LIMIT = 100;
const REMINDERS_MAX_LIMIT = 1000;

export class RemindersQueryDto {
  @DateField('Påminnelserna per denna dag (svensk kalender). Standard: i dag.', false)
  asOf?: string;

  @ApiPropertyOptional({ description: 'Only this party (SCB code).', enum: PARTY_IDS })
  @IsOptional()
  @IsIn(PARTY_IDS, { message: 'party måste vara en av de 17 parternas SCB-koder' })
  party?: string;

  @ApiPropertyOptional({ description: `At most this many items in each of a party's two lists (1–${REMINDERS_MAX_LIMIT}, default ${REMINDERS_DEFAULT_LIMIT}).`, type: 'integer' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value))
  @Max(REMINDERS_MAX_LIMIT, { message: `limit får vara högst ${REMINDERS_MAX_LIMIT}` })
  @Min(1, { message: 'limit måste vara minst 1' })
  @IsInt({ message: 'limit måste vara ett heltal' })
  limit?: number;
}

@ApiTags('reminders')
@Controller('api/reminders')
export class RemindersController {
  constructor(
    private readonly reminders: Reminders,
    @Inject(REMINDER_CONTACTS) private readonly contacts: ReminderContacts,
  ) {}

  @Get()
  @ApiOkResponse({
    description:
      'What each party has left to do as of `asOf` (default today), for the parties with something to do, in the parties\' order: ' +
      'the open initiatives still waiting for its decision (deadline, days left) and its decisions lacking `minutesApprovedOn` or ' +
      '`noticePostedOn`, with its contact address from DGR_PARTY_CONTACTS (or null). `npx dgr remind` e-mails the same thing. ' +
      '`party` keeps one party; each list holds at most `limit` items (default 100), and `waitingForDecisionTotal` and ' +
      '`missingMinutesOrNoticeTotal` say how many there are in all.',
  })
  async list(@Query() query: RemindersQueryDto): Promise<{ asOf: string; parties: PartyReminderPage[] }> {
    const asOf = query.asOf ?? this.reminders.today();
    return {
      asOf,
      // Only each list's first `limit` items are kept while the initiatives are read (issue 13).
      parties: await this.reminders.page(asOf, this.contacts, {
        party: query.party as PartyId | undefined,
        limit: query.limit ?? REMINDERS_DEFAULT_LIMIT,
      }),
    };
  }
}
