import type { LoggerService } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * Structured logs: one JSON object per line on stdout, `{time, level, context, msg, …}`. Nothing here
 * ever logs a header or a body, so tokens never reach the log.
 */
export class JsonLogger implements LoggerService {
  log(message: unknown, context?: string): void {
    this.write('info', message, context);
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.write('error', message, context, trace ? { trace } : undefined);
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('verbose', message, context);
  }

  write(level: string, message: unknown, context?: string, extra?: Record<string, unknown>): void {
    // Object.assign, not `{ time, level, context, ...message }`: on Node 20 a literal with a spread and more
    // properties costs microseconds, and every request writes a line. Same fields, same order.
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level, context };
    if (typeof message === 'object' && message !== null) Object.assign(entry, message);
    else entry.msg = String(message);
    if (extra) Object.assign(entry, extra);
    process.stdout.write(JSON.stringify(entry) + '\n');
  }

  /** The request line (requestLogMiddleware): the fields of `write('info', {msg: 'request', …}, 'HTTP')`, in one literal. */
  request(method: string, path: string, status: number, ms: number, correlationId: string | undefined, sub: string | undefined): void {
    const entry = { time: new Date().toISOString(), level: 'info', context: 'HTTP', msg: 'request', method, path, status, ms, correlationId, sub };
    process.stdout.write(JSON.stringify(entry) + '\n');
  }
}

/** One line per request when it finishes: method, path (without the query), status, time, correlation id, subject. */
export const requestLogMiddleware =
  (logger: JsonLogger) =>
  (req: Request & { correlationId?: string; actor?: { sub: string } }, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      logger.request(req.method, req.path, res.statusCode, Number((process.hrtime.bigint() - started) / 1_000_000n), req.correlationId, req.actor?.sub);
    });
    next();
  };
