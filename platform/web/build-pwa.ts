import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';

/** The installable app's files beside the bundle: manifest, icons, and the service worker. */
export interface PwaFile {
  readonly path: string;
  readonly body: Buffer;
}

export const ICONS = ['icon.svg', 'icon-192.png', 'icon-512.png', 'icon-maskable-512.png'] as const;

/**
 * The manifest and icons as they are in client/, and /sw.js bundled from client/sw.ts with the shell's paths (the
 * page, every hashed JS chunk and the CSS, manifest, icons) and a version derived from them written in: a new build
 * is a new shell cache.
 */
export async function buildPwa(clientDir: string, shell: readonly string[], version: string): Promise<PwaFile[]> {
  const files: PwaFile[] = [
    { path: '/manifest.webmanifest', body: await readFile(`${clientDir}manifest.webmanifest`) },
    ...(await Promise.all(
      ICONS.map(async (name) => ({ path: `/icons/${name}`, body: await readFile(`${clientDir}icons/${name}`) })),
    )),
  ];
  const worker = await build({
    entryPoints: [`${clientDir}sw.ts`],
    bundle: true,
    write: false,
    format: 'iife',
    minify: true,
    target: ['chrome111', 'firefox115', 'safari16.4'],
    define: {
      SHELL: JSON.stringify([...shell, ...files.map((f) => f.path)]),
      VERSION: JSON.stringify(version),
    },
    logLevel: 'silent',
  });
  const code = worker.outputFiles[0];
  if (code === undefined) throw new Error('esbuild produced no service worker');
  return [...files, { path: '/sw.js', body: Buffer.from(code.contents) }];
}
