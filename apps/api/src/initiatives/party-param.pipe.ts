import { Injectable, type PipeTransform } from '@nestjs/common';
import { isPartyId, type PartyId } from '@dgr/domain';
import { InvalidRequest } from '../http/invalid-request';

/** A party named in the path must be one of the 17 (400 otherwise, like a party in a body). */
@Injectable()
export class PartyParamPipe implements PipeTransform<string, PartyId> {
  transform(value: string): PartyId {
    if (isPartyId(value)) return value;
    throw new InvalidRequest([{ field: 'party', message: `party ${JSON.stringify(value)} är ingen av de 17 parterna; ange partens SCB-kod` }]);
  }
}
