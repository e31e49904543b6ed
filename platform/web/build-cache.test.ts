import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { after, describe, it } from 'node:test';
import type { BuiltApp } from './build.ts';
import { cachedBuildClient, sourceKey } from './build-cache.ts';

const etags = (app: BuiltApp): string[] => [...app.assets].map(([path, a]) => `${path} ${a.etag}`);

describe('the web build cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'web-build-cache-'));
  const file = join(dir, 'web-build.bin');
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  let first: BuiltApp;

  it('builds on an empty cache, then serves the same app from it', async () => {
    const built = await cachedBuildClient(dir);
    assert.equal(built.cached, false);
    first = built.app;
    assert.ok(
      first.inputs.some((path) => path.endsWith('client/main.ts')),
      'the inputs esbuild read are kept',
    );
    const again = await cachedBuildClient(dir);
    assert.equal(again.cached, true);
    assert.deepEqual(etags(again.app), etags(first));
    const page = again.app.assets.get('/index.html');
    assert.ok(page && Buffer.isBuffer(page.brotli) && page.brotli.length > 0, 'compressed forms come back as buffers');
  });

  it('builds again when a file the build read changed', async () => {
    // One more input, a file of the test's own, stands for any source file.
    const input = join(dir, 'input.ts');
    writeFileSync(input, 'export const a = 1;\n');
    const inputs = [...first.inputs, input];
    writeFileSync(file, serialize({ key: await sourceKey(inputs), app: { ...first, inputs } }));
    assert.equal((await cachedBuildClient(dir)).cached, true, 'unchanged: read back');
    writeFileSync(input, 'export const a = 2;\n');
    const rebuilt = await cachedBuildClient(dir);
    assert.equal(rebuilt.cached, false, 'changed: built');
    const stored = deserialize(readFileSync(file)) as { app: BuiltApp };
    assert.deepEqual(stored.app.inputs, rebuilt.app.inputs, 'the new build replaced the entry');
  });

  it('builds when the cache cannot be read, and replaces it', async () => {
    writeFileSync(file, 'not a cache entry');
    assert.equal((await cachedBuildClient(dir)).cached, false);
    assert.equal((await cachedBuildClient(dir)).cached, true);
  });
});
