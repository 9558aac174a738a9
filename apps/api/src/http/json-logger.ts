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
    const entry =
      typeof message === 'object' && message !== null
        ? { time: new Date().toISOString(), level, context, ...(message as Record<string, unknown>), ...extra }
        : { time: new Date().toISOString(), level, context, msg: String(message), ...extra };
    process.stdout.write(JSON.stringify(entry) + '\n');
  }
}

/** One line per request when it finishes: method, path (without the query), status, time, correlation id, subject. */
export const requestLogMiddleware =
  (logger: JsonLogger) =>
  (req: Request & { correlationId?: string; actor?: { sub: string } }, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      logger.write('info', {
        msg: 'request',
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Number((process.hrtime.bigint() - started) / 1_000_000n),
        correlationId: req.correlationId,
        sub: req.actor?.sub,
      }, 'HTTP');
    });
    next();
  };
