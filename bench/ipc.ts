/**
 * The bench runs its parts in separate Node processes (see run.ts); they talk over Node's IPC
 * channel with these messages.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

export interface Child<M> {
  readonly process: ChildProcess;
  /** The next message of the given kind (rejects if the child exits first or reports an error). */
  next<K extends string>(kind: K): Promise<Extract<M, { kind: K }>>;
  send(message: unknown): void;
  /** Waits for the child to exit (after it was told to stop). */
  exited(): Promise<number | null>;
}

interface ErrorMessage {
  kind: 'error';
  message: string;
}

/** Forks `dist-bench/bench/<script>.js` with the given arguments and node flags. */
export const start = <M extends { kind: string }>(script: string, args: string[] = [], execArgv: string[] = []): Child<M> => {
  const child = fork(path.join(__dirname, `${script}.js`), args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const inbox: Array<M | ErrorMessage> = [];
  let waiting: { kind: string; resolve: (m: M) => void; reject: (e: Error) => void } | null = null;
  let exitCode: number | null | undefined;
  const exitWaiters: Array<(code: number | null) => void> = [];

  const deliver = (): void => {
    if (!waiting) return;
    const index = inbox.findIndex((m) => m.kind === waiting!.kind || m.kind === 'error');
    if (index >= 0) {
      const [message] = inbox.splice(index, 1);
      const w = waiting;
      waiting = null;
      if (message!.kind === 'error' && w.kind !== 'error') w.reject(new Error(`${script}: ${(message as ErrorMessage).message}`));
      else w.resolve(message as M);
    } else if (exitCode !== undefined) {
      const w = waiting;
      waiting = null;
      w.reject(new Error(`${script} exited (code ${String(exitCode)}) before sending "${w.kind}"`));
    }
  };
  child.on('message', (m: M | ErrorMessage) => {
    inbox.push(m);
    deliver();
  });
  child.on('exit', (code) => {
    exitCode = code;
    deliver();
    for (const w of exitWaiters.splice(0)) w(code);
  });

  return {
    process: child,
    next: <K extends string>(kind: K) =>
      new Promise<Extract<M, { kind: K }>>((resolve, reject) => {
        if (waiting) throw new Error('one next() at a time');
        waiting = { kind, resolve: resolve as (m: M) => void, reject };
        deliver();
      }),
    send: (message) => child.send(message as object),
    exited: () =>
      exitCode !== undefined ? Promise.resolve(exitCode) : new Promise((resolve) => exitWaiters.push(resolve)),
  };
};

/** In a child: answer the parent. */
export const reply = <M extends { kind: string }>(message: M): void => {
  process.send?.(message);
};

/** In a child: run `main`, report an error to the parent instead of dying silently. */
export const runChild = (main: () => Promise<void>): void => {
  main().catch((e: unknown) => {
    reply<ErrorMessage>({ kind: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 100);
  });
};
