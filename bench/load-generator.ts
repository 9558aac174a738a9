/**
 * Child process: the load generator of target 1. A fixed number of concurrent keep-alive
 * connections (one Node http.Agent, maxSockets = connections) send the given POST requests, each
 * connection sending its next request as soon as its previous answer has been read, until all
 * are sent. Every answer other than 201 is counted (and a few are kept as samples).
 *
 * Messages: ← {kind:'run', port, connections, requests} → {kind:'result', ...LoadResult}; ← 'stop'.
 */
import * as http from 'node:http';
import { performance } from 'node:perf_hooks';
import { reply, runChild } from './ipc';

export interface LoadRequest {
  readonly path: string;
  readonly body: string;
  readonly authorization: string;
}

export interface LoadResult {
  readonly requests: number;
  readonly created: number;
  /** Answers other than 201, plus requests that failed without an answer. */
  readonly failed: number;
  readonly samples: string[];
  readonly ms: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** CPU time this process used during the run (µs), to tell whether the generator was the bottleneck. */
  readonly cpuUs: number;
}

export type LoadMessage = { kind: 'result'; result: LoadResult } | { kind: 'stopped' };

const post = (
  agent: http.Agent,
  port: number,
  { path, authorization }: LoadRequest,
  body: Buffer,
): Promise<{ status: number; text: string }> =>
  new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': body.length, authorization },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });

const percentile = (sorted: Float64Array, p: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

let agent: http.Agent | null = null;

const run = async (port: number, connections: number, requests: readonly LoadRequest[]): Promise<LoadResult> => {
  // One agent for the process's life: the warm-up opens the connections, the measured run reuses them.
  agent ??= new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const bodies = requests.map((r) => Buffer.from(r.body, 'utf8'));
  const latencies = new Float64Array(requests.length);
  const samples: string[] = [];
  let next = 0;
  let created = 0;
  let failed = 0;
  const connection = async (): Promise<void> => {
    for (let i = next++; i < requests.length; i = next++) {
      const t = performance.now();
      try {
        const { status, text } = await post(agent!, port, requests[i]!, bodies[i]!);
        if (status === 201) created++;
        else {
          failed++;
          if (samples.length < 3) samples.push(`${status} ${requests[i]!.path}: ${text.slice(0, 300)}`);
        }
      } catch (e) {
        failed++;
        if (samples.length < 3) samples.push(`no answer for ${requests[i]!.path}: ${String(e)}`);
      }
      latencies[i] = performance.now() - t;
    }
  };
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(Array.from({ length: connections }, connection));
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  latencies.sort();
  return {
    requests: requests.length,
    created,
    failed,
    samples,
    ms,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.length > 0 ? latencies[latencies.length - 1]! : 0,
    cpuUs: used.user + used.system,
  };
};

if (require.main === module) runChild(async () => {
  process.on('message', (m: { kind: string; port: number; connections: number; requests: LoadRequest[] }) => {
    if (m.kind === 'run')
      run(m.port, m.connections, m.requests).then(
        (result) => reply({ kind: 'result', result }),
        (e: unknown) => reply({ kind: 'error', message: String(e) }),
      );
    if (m.kind === 'stop') {
      agent?.destroy();
      reply({ kind: 'stopped' });
      process.disconnect?.();
    }
  });
});
