import { Injectable } from '@nestjs/common';
import { AuditService, ProjectionRunner, Queries } from '@dgr/application';
import { publicInitiative, type PublicInitiative } from './public-view';

/** What the public controllers (data and pages) read: only the live read models, through the minimising view. */
@Injectable()
export class PublicReader {
  constructor(
    readonly queries: Queries,
    readonly audit: AuditService,
    private readonly runner: ProjectionRunner,
  ) {}

  /** The state an answer is made from: the read models' and the tree's position, and today's date. */
  state(): string {
    return `${this.runner.caughtUpTo}|${this.audit.size}|${this.queries.today()}`;
  }

  /** The public view of one initiative, with its history by organisation and role (InitiativeNotFound if none). */
  async initiative(id: string): Promise<PublicInitiative> {
    const detail = this.queries.getInitiative(id);
    const history = await this.queries.initiativeHistory(id);
    return publicInitiative(detail, this.queries.initiativeBookings(id), history);
  }
}
