import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { version as esbuildVersion } from 'esbuild';
import { buildClient, clientDir, type BuiltApp } from './build.ts';

/** The code that shapes the build besides what esbuild reads: its options, the page's assembly, this cache. */
const builders = ['build.ts', 'build-pwa.ts', 'build-cache.ts'].map((f) => fileURLToPath(new URL(f, import.meta.url)));
const FILE = 'web-build.bin';

interface Entry {
  readonly key: string;
  readonly app: BuiltApp;
}

export interface CachedBuild {
  readonly app: BuiltApp;
  /** Whether the app came from the cache (else it was built, and stored for the next start). */
  readonly cached: boolean;
}

/**
 * The built app from `dir` when nothing it was made from changed (every file under client/, the build's own code,
 * every other file esbuild read, esbuild's version: compared by content), else built and stored there. A build takes
 * about 3 CPU seconds (esbuild, then brotli at its highest quality); a start on an unchanged source reads it back. A
 * cache that cannot be read or written only costs the build.
 */
export async function cachedBuildClient(dir: string): Promise<CachedBuild> {
  const file = join(dir, FILE);
  const entry = await readFile(file)
    .then((bytes) => deserialize(bytes) as Entry)
    .catch(() => undefined);
  if (entry !== undefined && entry.key === (await sourceKey(entry.app.inputs))) return { app: entry.app, cached: true };
  const before = await sourceKey([]);
  const app = await buildClient();
  try {
    // A file changed while esbuild read it: the app may be of neither version, so it is not stored.
    if ((await sourceKey([])) !== before) return { app, cached: false };
    const stored: Entry = { key: await sourceKey(app.inputs), app };
    await mkdir(dir, { recursive: true });
    // Written whole, then renamed: a concurrent start reads the old entry or the new one, never half of one.
    const partial = `${file}.${String(process.pid)}`;
    await writeFile(partial, serialize(stored));
    await rename(partial, file);
  } catch {
    // Not stored: the next start builds again.
  }
  return { app, cached: false };
}

/** A hash of every file the build depends on, read now (a file gone hashes differently from any content). */
export async function sourceKey(inputs: readonly string[]): Promise<string> {
  const client = (await readdir(clientDir, { recursive: true, withFileTypes: true }))
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
  const files = [...new Set([...builders, ...client, ...inputs])].sort();
  const hash = createHash('sha256').update(`esbuild ${esbuildVersion}\0`);
  for (const path of files) {
    const content = await readFile(path).catch(() => undefined);
    hash.update(`${path}\0${content === undefined ? 'missing' : String(content.length)}\0`);
    if (content !== undefined) hash.update(content);
  }
  return hash.digest('base64url');
}
