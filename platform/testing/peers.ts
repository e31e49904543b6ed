import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Why a test against a real peer (a Debian binary such as prometheus or chromium) cannot run here, or
 * undefined when it can. On a development machine a missing binary is a printed skip; under CI it is a
 * failure, since .ci/run installs every peer.
 */
export function peerSkipReason(binary: string, aptPackage: string): string | undefined {
  if (existsSync(binary)) return undefined;
  if (process.env.CI === 'true')
    throw new Error(`${binary} is missing: CI must install the Debian package ${aptPackage} (.ci/run)`);
  const reason = `${binary} is not installed (apt-get install ${aptPackage})`;
  process.stdout.write(`# skipping: ${reason}\n`);
  return reason;
}

/**
 * A loopback port free right now, for a peer that cannot report the port it chose, or a server restarted on the same
 * one.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  if (address === null || typeof address === 'string') throw new Error('no port assigned');
  return address.port;
}
