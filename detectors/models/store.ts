import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * Versioned model files under `<DATA_DIR>/models/<name>/<version>/`: each version is a folder with a
 * `manifest.json` (name, version, creation time, a summary of the training data, metrics) beside the
 * model's own files. A version is written into a hidden temporary folder, flushed, and renamed into
 * place, so readers only ever see complete versions; old versions beyond `keep` are pruned.
 */
const namePattern = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const fileNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const manifestSchema = z.object({
  name: z.string().regex(namePattern),
  version: z.number().int().positive(),
  createdAt: z.iso.datetime(),
  format: z.string().min(1),
  trainingData: z.record(z.string(), scalar),
  metrics: z.record(z.string(), z.number()),
  files: z.array(z.string().regex(fileNamePattern)),
});
export type ModelManifest = z.infer<typeof manifestSchema>;

export interface NewModelVersion {
  readonly format: string;
  readonly trainingData: Readonly<Record<string, string | number | boolean>>;
  readonly metrics: Readonly<Record<string, number>>;
  readonly files: Readonly<Record<string, string | Uint8Array>>;
}

export interface StoredModel {
  readonly manifest: ModelManifest;
  readonly read: (file: string) => Promise<Buffer>;
}

export interface ModelStore {
  readonly save: (name: string, model: NewModelVersion) => Promise<ModelManifest>;
  /** The newest version whose manifest is valid (a damaged newer one is skipped), if any. */
  readonly latest: (name: string) => Promise<StoredModel | undefined>;
  readonly versions: (name: string) => Promise<number[]>;
}

export class ModelStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelStoreError';
  }
}

export function createModelStore(
  dataDir: string,
  options: { readonly keep?: number; readonly now?: () => Date } = {},
): ModelStore {
  const root = join(dataDir, 'models');
  const keep = Math.max(1, options.keep ?? 5);
  const now = options.now ?? (() => new Date());
  const folder = (name: string): string => {
    if (!namePattern.test(name)) throw new ModelStoreError(`invalid model name ${JSON.stringify(name)}`);
    return join(root, name);
  };
  const versions = async (name: string): Promise<number[]> => {
    const entries = await readdir(folder(name)).catch((error: unknown) => {
      if (isNotFound(error)) return [];
      throw error;
    });
    return entries
      .filter((e) => /^\d{6,}$/.test(e))
      .map(Number)
      .sort((a, b) => a - b);
  };
  const readManifest = async (name: string, version: number): Promise<ModelManifest | undefined> => {
    try {
      const parsed = manifestSchema.safeParse(
        JSON.parse(await readFile(join(folder(name), pad(version), 'manifest.json'), 'utf8')),
      );
      return parsed.success && parsed.data.name === name && parsed.data.version === version ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    versions,
    async save(name, model) {
      for (const file of Object.keys(model.files)) {
        if (!fileNamePattern.test(file) || file === 'manifest.json')
          throw new ModelStoreError(`invalid model file name ${JSON.stringify(file)}`);
      }
      const dir = folder(name);
      await mkdir(dir, { recursive: true });
      const tmp = join(dir, `.tmp-${String(process.pid)}-${randomBytes(4).toString('hex')}`);
      await mkdir(tmp);
      try {
        for (const [file, content] of Object.entries(model.files)) await writeFlushed(join(tmp, file), content);
        // Two trainers may race for a version number: the loser's rename fails and it takes the next one.
        for (let attempt = 0; attempt < 10; attempt++) {
          const version = ((await versions(name)).at(-1) ?? 0) + 1;
          const manifest: ModelManifest = {
            name,
            version,
            createdAt: now().toISOString(),
            format: model.format,
            trainingData: { ...model.trainingData },
            metrics: { ...model.metrics },
            files: Object.keys(model.files),
          };
          await writeFlushed(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, 'w');
          try {
            await rename(tmp, join(dir, pad(version)));
          } catch (error) {
            if (isExists(error)) continue;
            throw error;
          }
          await prune(dir, await versions(name), keep);
          return manifest;
        }
        throw new ModelStoreError(`could not claim a version for ${name}`);
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
    },
    async latest(name) {
      const all = await versions(name);
      for (let i = all.length - 1; i >= 0; i--) {
        const version = all[i] ?? 0;
        const manifest = await readManifest(name, version);
        if (manifest === undefined) continue;
        const dir = join(folder(name), pad(version));
        return {
          manifest,
          read: (file) => {
            if (!manifest.files.includes(file))
              return Promise.reject(new ModelStoreError(`${name} v${String(version)} has no file ${file}`));
            return readFile(join(dir, file));
          },
        };
      }
      return undefined;
    },
  };
}

const pad = (version: number): string => String(version).padStart(6, '0');

async function writeFlushed(path: string, content: string | Uint8Array, flags = 'wx'): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function prune(dir: string, all: readonly number[], keep: number): Promise<void> {
  for (const version of all.slice(0, Math.max(0, all.length - keep)))
    await rm(join(dir, pad(version)), { recursive: true, force: true });
}

const codeOf = (error: unknown): unknown =>
  typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
const isNotFound = (error: unknown): boolean => codeOf(error) === 'ENOENT';
const isExists = (error: unknown): boolean => codeOf(error) === 'EEXIST' || codeOf(error) === 'ENOTEMPTY';
