import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/** Runs one of the project's entrypoints on this Node (24) with the telemetry hook, as `npm start` does. */
export function startEntrypoint(entry: string, env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', './platform/telemetry/register.ts', entry], {
    cwd: projectRoot,
    // The regular session clock unless a test asks otherwise: the compressed demo clock rests on the exchange's
    // weekends and holidays, and a test must not depend on the day it runs.
    // NODE_COMPILE_CACHE (set by `npm test`) passes through: the child reuses the modules other processes compiled,
    // and the web app other platforms built.
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      MARKET_SESSION_CLOCK: 'regular',
      ...compileCache(),
      ...webBuildCache(),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      resolve(code);
    }),
  );
  return { child, output: () => output, exited };
}

/** The module compile cache the test run uses, if any, for a child started with an environment of its own. */
export function compileCache(): Record<string, string> {
  const dir = process.env.NODE_COMPILE_CACHE;
  return dir === undefined || dir === '' ? {} : { NODE_COMPILE_CACHE: dir };
}

/**
 * The web build cache the tests share (WEB_BUILD_CACHE_DIR if set, else one in the temporary directory): each test
 * platform has a fresh DATA_DIR, where the cache would otherwise be, so each would build the app again (about 3 CPU
 * seconds). The cache is checked against the sources (platform/web/build-cache.ts): a changed client is built again.
 */
export function webBuildCache(): { WEB_BUILD_CACHE_DIR: string } {
  const dir = process.env.WEB_BUILD_CACHE_DIR;
  return { WEB_BUILD_CACHE_DIR: dir === undefined || dir === '' ? join(tmpdir(), 'insitechart-web-build') : dir };
}

/** Waits until the process output matches, failing with the output so far. */
export async function waitForOutput(started: Started, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = started.output().match(pattern);
    if (match) return match;
    if (Date.now() > deadline || started.child.exitCode !== null)
      throw new Error(`no ${String(pattern)} in output:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
