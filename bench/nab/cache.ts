/**
 * Scores of one detector setting on one file at one start offset, cached on disk under the temp dir. The
 * key hashes the detector's source (every non-test .ts file under detectors/anomaly and detectors/tf, and
 * the series types), the setting, the offset and the file's rows, so a cached score can never outlive a
 * change to what produced it. Leave-one-category-out over 8 offsets reruns many settings; this keeps
 * repeated runs (and the candidates that did not change) cheap.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCES = ['detectors/anomaly', 'detectors/tf'];
const DIR = join(tmpdir(), 'insitechart-nab-cache');

let sourceHash: Promise<string> | undefined;

async function hashSources(): Promise<string> {
  const hash = createHash('sha256');
  const files: string[] = ['detectors/series.ts'];
  for (const dir of SOURCES) {
    const entries = await readdir(join(ROOT, dir), { recursive: true });
    files.push(...entries.filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => join(dir, f)));
  }
  for (const file of files.sort()) hash.update(file).update(await readFile(join(ROOT, file)));
  return hash.digest('hex');
}

export async function cacheKey(setting: unknown, offset: number, name: string, values: readonly number[]) {
  sourceHash ??= hashSources();
  const hash = createHash('sha256').update(await sourceHash);
  hash.update(JSON.stringify({ setting, offset, name }));
  hash.update(new Float64Array(values));
  return hash.digest('hex');
}

export async function cached(key: string, rows: number): Promise<Float64Array | undefined> {
  try {
    const bytes = await readFile(join(DIR, `${key}.f64`));
    return bytes.byteLength === rows * 8 ? new Float64Array(bytes.buffer, bytes.byteOffset, rows).slice() : undefined;
  } catch {
    return undefined;
  }
}

export async function store(key: string, scores: Float64Array): Promise<void> {
  await mkdir(DIR, { recursive: true });
  await writeFile(join(DIR, `${key}.f64`), new Uint8Array(scores.buffer, scores.byteOffset, scores.byteLength));
}
