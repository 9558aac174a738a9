import { JsonLogger } from './json-logger';

/** What the logger writes to stdout during `run`, line by line, each parsed, with its time checked and removed. */
const linesOf = (run: () => void): string[] => {
  const written: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => {
    written.push(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    run();
  } finally {
    process.stdout.write = original;
  }
  return written.map((w) => {
    expect(w.endsWith('\n')).toBe(true);
    const { time, ...rest } = JSON.parse(w) as { time: string };
    expect(new Date(time).toISOString()).toBe(time);
    return JSON.stringify({ time: 'T', ...rest });
  });
};

describe('JsonLogger', () => {
  const logger = new JsonLogger();

  it('writes the fields of a message object after time, level and context, in their order, then the extra ones', () => {
    expect(linesOf(() => logger.write('warn', { msg: 'm', a: 1, b: null }, 'Ctx', { trace: 't' }))).toEqual([
      '{"time":"T","level":"warn","context":"Ctx","msg":"m","a":1,"b":null,"trace":"t"}',
    ]);
    expect(linesOf(() => logger.log('plain', 'Ctx'))).toEqual(['{"time":"T","level":"info","context":"Ctx","msg":"plain"}']);
    expect(linesOf(() => logger.error('bad', 'stack'))).toEqual(['{"time":"T","level":"error","msg":"bad","trace":"stack"}']);
  });

  it("the request line is the very line write('info', {msg: 'request', …}, 'HTTP') writes", () => {
    for (const [id, sub] of [
      ['r-1', 'anna'],
      [undefined, undefined],
    ] as const) {
      const fast = linesOf(() => logger.request('GET', '/api/fund', 200, 3, id, sub));
      const general = linesOf(() =>
        logger.write('info', { msg: 'request', method: 'GET', path: '/api/fund', status: 200, ms: 3, correlationId: id, sub }, 'HTTP'),
      );
      expect(fast).toEqual(general);
    }
    expect(linesOf(() => logger.request('POST', '/x', 201, 0, 'r-2', 's'))).toEqual([
      '{"time":"T","level":"info","context":"HTTP","msg":"request","method":"POST","path":"/x","status":201,"ms":0,"correlationId":"r-2","sub":"s"}',
    ]);
  });
});
