import { Injectable, type PipeTransform } from '@nestjs/common';
import { InvalidRequest } from '../http/invalid-request';

/** A version number in the path: a whole number from 1 (400 otherwise). */
@Injectable()
export class VersionParamPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (/^[1-9]\d{0,5}$/.test(value)) return Number(value);
    throw new InvalidRequest([{ field: 'version', message: `version ${JSON.stringify(value)} är inget versionsnummer; ange ett heltal från 1` }]);
  }
}
