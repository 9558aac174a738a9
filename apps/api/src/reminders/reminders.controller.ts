import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Reminders, type PartyReminder, type ReminderContacts } from '@dgr/application';
import { DateField } from '../http/fields';

/** Each party's contact address (DGR_PARTY_CONTACTS), given by the app module. */
export const REMINDER_CONTACTS = Symbol('REMINDER_CONTACTS');

export class RemindersQueryDto {
  @DateField('Påminnelserna per denna dag (svensk kalender). Standard: i dag.', false)
  asOf?: string;
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
      '`noticePostedOn`, with its contact address from DGR_PARTY_CONTACTS (or null). `npx dgr remind` e-mails the same thing.',
  })
  list(@Query() query: RemindersQueryDto): { asOf: string; parties: PartyReminder[] } {
    const asOf = query.asOf ?? this.reminders.today();
    return { asOf, parties: this.reminders.asOf(asOf, this.contacts) };
  }
}
