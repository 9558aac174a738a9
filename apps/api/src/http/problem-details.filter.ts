import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { describeUnreadable, ServiceUnavailable } from '@dgr/application';
import { DomainError, InvalidInput, ProposalRevised, type DomainErrorKind } from '@dgr/domain';
import { UnreadableEvent } from '@dgr/event-store';
import { NotReady } from '../operations/probes.controller';
import { InvalidRequest } from './invalid-request';
import { problemType, type Problem } from './problem';

const STATUS_OF: Record<DomainErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  'not-found': HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  'too-large': HttpStatus.PAYLOAD_TOO_LARGE,
  'unsupported-media-type': HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  rule: HttpStatus.UNPROCESSABLE_ENTITY,
};

const HTTP_TITLES: Record<number, string> = {
  400: 'Felaktig begäran',
  401: 'Inte inloggad',
  403: 'Behörighet saknas',
  429: 'För många förfrågningar',
  404: 'Finns inte',
  405: 'Metoden stöds inte',
  413: 'För stor begäran',
  415: 'Fel innehållstyp',
};

/**
 * At most this many offending fields are listed in `errors` (and in `detail`); `errorCount` says how many there
 * were. A body of 20 000 unknown keys (209 kB) was answered with all of them: 1.77 MB.
 */
export const LISTED_ERRORS = 20;

type FieldError = { readonly field: string; readonly message: string };

/** The 400 of invalid input: the first LISTED_ERRORS offending fields, and the count of all. */
const invalidInput = (errors: readonly FieldError[], instance: string): Problem => {
  const listed = errors.slice(0, LISTED_ERRORS);
  const more = errors.length - listed.length;
  return {
    type: problemType('invalid-input'),
    title: 'Ogiltiga uppgifter',
    status: 400,
    detail: `Ogiltiga uppgifter: ${listed.map((e) => e.message).join('; ')}${more > 0 ? `; och ${more} fel till` : ''}.`,
    instance,
    code: 'invalid-input',
    errors: listed,
    errorCount: errors.length,
  };
};

/** Errors of Express' body parser carry a 4xx status of their own (malformed JSON, too large…). */
const httpStatusOf = (e: unknown): number | null => {
  const status = (e as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
};

/**
 * The one place that turns errors into answers: application/problem+json (RFC 9457).
 * Invalid input 400 · unknown thing 404 · conflict 409 · broken business rule 422 ·
 * read models stopped or behind 503 (with Retry-After) · anything else 500.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const problem = this.toProblem(exception, request.originalUrl ?? request.url);
    if (problem.status >= 500 && problem.status !== 503) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    if (problem.status === 401) response.setHeader('WWW-Authenticate', 'Bearer realm="dgr", error="invalid_token"');
    if (problem.status === 503) response.setHeader('Retry-After', String(exception instanceof ServiceUnavailable ? exception.retryAfterSeconds : 5));
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown, instance: string): Problem {
    if (exception instanceof NotReady) {
      const failed = Object.keys(exception.result.error ?? {});
      return {
        type: problemType('not-ready'),
        title: 'Tjänsten är inte redo',
        status: 503,
        detail: exception.unreadable
          ? describeUnreadable(exception.unreadable)
          : `Tjänsten är inte redo: ${failed.join(', ')} (se checks).`,
        instance,
        code: 'not-ready',
        checks: exception.result,
        ...(exception.unreadable ? { event: exception.unreadable.toJSON() } : {}),
      };
    }
    if (exception instanceof ServiceUnavailable || exception instanceof UnreadableEvent) {
      const unreadable = exception instanceof UnreadableEvent ? exception : exception.unreadable;
      const problem: Problem = {
        type: problemType(unreadable ? 'unreadable-event' : exception instanceof ServiceUnavailable ? exception.code : 'read-models-behind'),
        title: 'Tjänsten är inte tillgänglig just nu',
        status: 503,
        detail: unreadable ? describeUnreadable(unreadable) : exception.message,
        instance,
        code: unreadable ? 'unreadable-event' : exception instanceof ServiceUnavailable ? exception.code : 'read-models-behind',
      };
      return unreadable ? { ...problem, event: unreadable.toJSON() } : problem;
    }
    if (exception instanceof InvalidRequest) return invalidInput(exception.errors, instance);
    if (exception instanceof DomainError) {
      const problem: Problem = {
        type: problemType(exception.code),
        title: exception.title,
        status: STATUS_OF[exception.kind],
        detail: exception.message,
        instance,
        code: exception.code,
      };
      if (exception instanceof ProposalRevised)
        return { ...problem, currentVersion: exception.currentVersion, textHash: exception.currentTextHash };
      return exception instanceof InvalidInput
        ? { ...problem, errors: [{ field: exception.field, message: exception.message }], errorCount: 1 }
        : problem;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const detail =
        status === 400 && /JSON/i.test(exception.message)
          ? 'Begärans innehåll är inte giltig JSON, eller inte ett JSON-objekt.'
          : typeof body === 'object' && body !== null && 'message' in body
            ? String((body as { message: unknown }).message)
            : exception.message;
      const code = status === 404 ? 'not-found' : status === 400 ? 'bad-request' : `http-${status}`;
      return { type: problemType(code), title: HTTP_TITLES[status] ?? exception.message, status, detail, instance, code };
    }
    const status = httpStatusOf(exception);
    if (status !== null) {
      const code = status === 413 ? 'payload-too-large' : `http-${status}`;
      const detail = status === 413 ? 'Begärans innehåll är för stort.' : 'Begäran kunde inte tolkas.';
      return { type: problemType(code), title: HTTP_TITLES[status] ?? 'Felaktig begäran', status, detail, instance, code };
    }
    return {
      type: problemType('internal-error'),
      title: 'Internt fel',
      status: 500,
      detail: 'Ett oväntat fel inträffade. Uppge begärans id (svarshuvudet X-Request-Id) när du kontaktar förvaltningen.',
      instance,
      code: 'internal-error',
    };
  }
}
