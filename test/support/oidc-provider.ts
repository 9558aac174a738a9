/**
 * Starts the real OpenID Connect provider of test/support/oidc-provider.mjs (the `oidc-provider` package) in
 * its own Node process, for the sign-in tests. The app reads the provider's discovery document only on the
 * first sign-in, so a test can start the app with a port chosen here, then the provider on that port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import * as path from 'node:path';

export const OIDC_CLIENT_ID = 'dgr-web';
export const OIDC_CLIENT_SECRET = 'dgr-web-test-client-secret-0123456789';

/** A TCP port free on 127.0.0.1 right now. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

export interface OidcProvider {
  readonly issuer: string;
  stop(): Promise<void>;
}

export const startOidcProvider = async (options: { port: number; redirectUri: string }): Promise<OidcProvider> => {
  const child: ChildProcess = spawn(process.execPath, [path.join(__dirname, 'oidc-provider.mjs')], {
    env: { ...process.env, OIDC_PORT: String(options.port), OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI: options.redirectUri, NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const issuer = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`oidc-provider did not start within 15 s. ${stderr}`)), 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { issuer: string }).issuer);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`oidc-provider exited with ${code}: ${stderr}`));
    });
  });
  return {
    issuer,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
};

/** The environment of an app that signs in through the provider at `issuer`. */
export const oidcEnv = (issuer: string): Record<string, string> => ({
  DGR_OIDC_ISSUER: issuer,
  DGR_OIDC_CLIENT_ID: OIDC_CLIENT_ID,
  DGR_OIDC_CLIENT_SECRET: OIDC_CLIENT_SECRET,
});
