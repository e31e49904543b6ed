import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { build, type Metafile, type OutputFile } from 'esbuild';
import { buildPwa } from './build-pwa.ts';
import { noscriptHtml } from './client/i18n/noscript.ts';
import { BUILD_META, BUILD_PATH } from './client/build-stamp.ts';

export const clientDir = fileURLToPath(new URL('client/', import.meta.url));

/** One file of the built app, held in memory with its pre-compressed forms. */
export interface Asset {
  readonly path: string;
  readonly contentType: string;
  readonly body: Buffer;
  readonly gzip: Buffer;
  readonly brotli: Buffer;
  readonly etag: string;
  /** Content-hashed names never change content: cached for a year; index.html is revalidated. */
  readonly immutable: boolean;
}

export interface Bytes {
  readonly raw: number;
  readonly brotli: number;
}

export interface BuiltApp {
  readonly assets: ReadonlyMap<string, Asset>;
  readonly buildMs: number;
  /** Total bytes of JS and CSS before and after brotli (every chunk), and of the English page's first load. */
  readonly bytes: { readonly raw: number; readonly brotli: number; readonly firstLoad: Bytes };
  /** Every file esbuild read (absolute paths): what a cached build is checked against (build-cache.ts). */
  readonly inputs: readonly string[];
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
};

/**
 * Bundles the client with esbuild in-process (no files written): minified ES modules split into chunks (the first
 * script with the markets view and English; each other view and each other language its own chunk, fetched when
 * needed), one stylesheet, content-hashed names, linked source maps, and index.html pointing at the entry with its
 * static imports preloaded (fetched beside it, not after its parse).
 */
export async function buildClient(): Promise<BuiltApp> {
  const started = performance.now();
  const result = await build({
    entryPoints: [`${clientDir}main.ts`],
    bundle: true,
    write: false,
    format: 'esm',
    splitting: true,
    minify: true,
    sourcemap: 'linked',
    target: ['chrome111', 'firefox115', 'safari16.4'],
    conditions: ['production'],
    define: { 'process.env.NODE_ENV': '"production"' },
    // An outdir is required to name outputs; nothing is written to it.
    outdir: `${clientDir}dist`,
    entryNames: 'assets/[name]-[hash]',
    chunkNames: 'assets/[name]-[hash]',
    assetNames: 'assets/[name]-[hash]',
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
    charset: 'utf8',
  });
  const outputs = new Map<string, OutputFile>(result.outputFiles.map((f) => [relativeOut(f.path), f]));
  const { js, css, preload } = entryOutputs(result.metafile);
  const code = [...outputs.keys()].filter((path) => !path.endsWith('.map')).map((path) => `/${path}`);
  const stamp = buildId(code);
  const template = await readFile(`${clientDir}index.html`, 'utf8');
  const html = template
    .replace('<!--build-->', `<meta name="${BUILD_META}" content="${stamp}">`)
    .replace('<!--styles-->', css === undefined ? '' : `<link rel="stylesheet" href="/${css}">`)
    .replace(
      '<!--script-->',
      [
        ...preload.map((p) => `<link rel="modulepreload" href="/${p}">`),
        `<script type="module" src="/${js}"></script>`,
      ].join(''),
    )
    .replace('<!--noscript-->', noscriptHtml());
  const assets = new Map<string, Asset>();
  const built = await Promise.all(
    [...outputs].map(([path, file]) => asset(`/${path}`, Buffer.from(file.contents), true)),
  );
  for (const a of built) assets.set(a.path, a);
  const index = await asset('/index.html', Buffer.from(html), false);
  assets.set('/index.html', index);
  assets.set('/', index);
  // Which build the server runs, for a page left open across a deploy (client/new-build.ts): revalidated, not cached.
  assets.set(BUILD_PATH, await asset(BUILD_PATH, Buffer.from(JSON.stringify({ build: stamp })), false));
  // The installed app's shell: the page and every chunk (each view, each language), cached by the service worker at
  // install so every view opens offline in every language.
  const shell = ['/', ...code];
  // Every name is content-hashed (the page's ETag too): a change anywhere is a new version.
  const version = createHash('sha256')
    .update(`${index.etag}${shell.join(' ')}`)
    .digest('base64url')
    .slice(0, 12);
  for (const file of await buildPwa(clientDir, shell, version))
    assets.set(file.path, await asset(file.path, file.body, false));
  let raw = 0;
  let brotli = 0;
  for (const [path, a] of assets) {
    if (path.endsWith('.js') || path.endsWith('.css')) {
      raw += a.body.length;
      brotli += a.brotli.length;
    }
  }
  const firstLoad = sizes(assets, [js, ...preload, ...(css === undefined ? [] : [css])]);
  const inputs = Object.keys(result.metafile.inputs).map((path) => resolve(path));
  return { assets, buildMs: Math.round(performance.now() - started), bytes: { raw, brotli, firstLoad }, inputs };
}

/** A build's id: its chunks' names (content-hashed), so a change in any chunk is a new build. */
export function buildId(code: readonly string[]): string {
  return createHash('sha256')
    .update([...code].sort().join(' '))
    .digest('base64url')
    .slice(0, 12);
}

function relativeOut(path: string): string {
  return path.slice(`${clientDir}dist/`.length);
}

/** Bytes of these outputs (paths without the leading slash) before and after brotli. */
function sizes(assets: ReadonlyMap<string, Asset>, paths: readonly string[]): Bytes {
  let raw = 0;
  let brotli = 0;
  for (const path of paths) {
    const found = assets.get(`/${path}`);
    raw += found?.body.length ?? 0;
    brotli += found?.brotli.length ?? 0;
  }
  return { raw, brotli };
}

/**
 * The entry's script, its stylesheet, and the chunks it imports statically, directly or through another (shared code:
 * needed before it runs, so preloaded rather than discovered one parse at a time).
 */
function entryOutputs(metafile: Metafile): { js: string; css: string | undefined; preload: string[] } {
  for (const [path, output] of Object.entries(metafile.outputs)) {
    // Dynamic imports are entry points to esbuild too: the page's is client/main.ts.
    if (output.entryPoint?.endsWith('client/main.ts') === true && path.endsWith('.js')) {
      const prefix = path.slice(0, path.indexOf('dist/') + 'dist/'.length);
      const imported = new Set<string>();
      const visit = (from: string) => {
        for (const i of metafile.outputs[from]?.imports ?? []) {
          if (i.kind !== 'import-statement' || i.external || imported.has(i.path)) continue;
          imported.add(i.path);
          visit(i.path);
        }
      };
      visit(path);
      const preload = [...imported].map((p) => p.slice(prefix.length));
      return { js: path.slice(prefix.length), css: output.cssBundle?.slice(prefix.length), preload };
    }
  }
  throw new Error('esbuild produced no entry bundle for the web app');
}

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Compressed once at build, in the thread pool; source maps (rarely fetched, large) get faster settings. */
async function asset(path: string, body: Buffer, immutable: boolean): Promise<Asset> {
  const contentType = contentTypes[extname(basename(path))] ?? 'application/octet-stream';
  const map = path.endsWith('.map');
  const [gzipped, brotli] = await Promise.all([
    gzipAsync(body, { level: map ? 6 : 9 }),
    brotliAsync(body, {
      params: { [constants.BROTLI_PARAM_QUALITY]: map ? 5 : 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    }),
  ]);
  return {
    path,
    contentType,
    body,
    gzip: gzipped,
    brotli,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    immutable,
  };
}
