import { Logger } from '@nestjs/common';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendDownload } from './download';

/** An export that writes `good` chunks and then fails (at once, when `good` is 0). */
async function* failingAfter(good: number): AsyncGenerator<string> {
  for (let i = 0; i < good; i += 1) yield `line ${i}\n`;
  throw new Error('the store went away');
}

describe('sendDownload', () => {
  let server: Server;
  let base: string;
  const outcomes: Array<{ headersSent: boolean; error: string | null }> = [];

  beforeAll(async () => {
    const app = express();
    app.get('/:good', (req, res) => {
      sendDownload(res, { contentType: 'text/plain; charset=utf-8', filename: 'x.txt' }, failingAfter(Number(req.params.good))).then(
        () => outcomes.push({ headersSent: res.headersSent, error: null }),
        (e: Error) => {
          outcomes.push({ headersSent: res.headersSent, error: e.message });
          res.status(500).end('problem');
        },
      );
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => outcomes.splice(0));

  it('an export that fails before its first chunk sends nothing, so the caller can answer with a problem', async () => {
    const res = await fetch(`${base}/0`);
    expect({ status: res.status, body: await res.text() }).toEqual({ status: 500, body: 'problem' });
    expect(outcomes).toEqual([{ headersSent: false, error: 'the store went away' }]);
  });

  it('an export that fails part-way is cut off: the client cannot take it for a whole file', async () => {
    const res = await fetch(`${base}/3`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="x.txt"');
    await expect(res.text()).rejects.toThrow();
    expect(outcomes).toEqual([{ headersSent: true, error: null }]);
  });
});
