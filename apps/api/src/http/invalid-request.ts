import type { ValidationError } from 'class-validator';

/** Input refused at the edge (class-validator), with every offending field named. */
export class InvalidRequest extends Error {
  constructor(readonly errors: ReadonlyArray<{ field: string; message: string }>) {
    super(`Ogiltiga uppgifter: ${errors.map((e) => e.message).join('; ')}.`);
    this.name = 'InvalidRequest';
  }

  static fromValidation(errors: ValidationError[]): InvalidRequest {
    const flat: Array<{ field: string; message: string }> = [];
    const walk = (list: ValidationError[], prefix: string): void => {
      for (const e of list) {
        const field = prefix ? `${prefix}.${e.property}` : e.property;
        for (const [constraint, message] of Object.entries(e.constraints ?? {}))
          flat.push({ field, message: constraint === 'whitelistValidation' ? `${field} är inget känt fält` : message });
        if (e.children?.length) walk(e.children, field);
      }
    };
    walk(errors, '');
    return new InvalidRequest(flat);
  }
}
