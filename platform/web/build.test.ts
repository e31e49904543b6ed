/**
 * The client's split (build.ts): the first load (the page's script and the chunks index.html preloads) holds the
 * markets view and English only; each other view and language is a chunk of its own; the service worker precaches
 * every chunk, so every view opens offline in every language.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { buildClient, buildId, type BuiltApp } from './build.ts';
import { languages } from './client/i18n/languages.ts';
import { messages } from './client/i18n/resources.ts';

const text = (app: BuiltApp, path: string): string => app.assets.get(path)?.body.toString('utf8') ?? '';
const message = (language: (typeof languages)[number]): string =>
  (messages[language] as { app: { skipToContent: string } }).app.skipToContent;

describe('the web client split', () => {
  let app: BuiltApp;
  let firstLoad: string[];
  let chunks: string[];
  before(async () => {
    app = await buildClient();
    const page = text(app, '/');
    const script = /<script type="module" src="([^"]+)">/.exec(page)?.[1];
    assert.ok(script !== undefined, page);
    firstLoad = [script, ...[...page.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1] ?? '')];
    chunks = [...app.assets.keys()].filter((path) => path.endsWith('.js') && path.startsWith('/assets/'));
  });

  it('loads the markets view and English first, no other view or language', () => {
    const first = firstLoad.map((path) => text(app, path)).join('\n');
    assert.ok(first.includes('markets.placeAlert'), 'the markets view is in the first load');
    assert.ok(first.includes(message('en')), 'English is in the first load');
    for (const language of languages.filter((l) => l !== 'en'))
      assert.ok(!first.includes(message(language)), `${language} is not in the first load`);
    for (const key of ['ops.needsRole', 'analytics.texts', 'portfolio.importRefused', 'priceAlerts.channels'])
      assert.ok(!first.includes(key), `${key}'s view is not in the first load`);
    // Every chunk the first script imports is preloaded: none is discovered only after a parse.
    for (const path of firstLoad)
      for (const imported of text(app, path).matchAll(/(?:from|import)"\.\/([\w-]+\.js)"/g))
        assert.ok(firstLoad.includes(`/assets/${imported[1] ?? ''}`), `${imported[1] ?? ''} imported by ${path}`);
  });

  it('makes each other language and view a chunk of its own, fetched later', () => {
    for (const language of languages.filter((l) => l !== 'en')) {
      const holding = chunks.filter((path) => text(app, path).includes(message(language)));
      assert.equal(holding.length, 1, `${language}: ${holding.join(', ')}`);
      assert.ok(!firstLoad.includes(holding[0] ?? ''));
    }
    const views = chunks.filter((path) => /^\/assets\/view-/.test(path));
    assert.equal(views.length, 7, views.join(', '));
    assert.ok(views.every((path) => !firstLoad.includes(path)));
  });

  it('precaches every chunk and the stylesheet in the service worker', () => {
    const worker = text(app, '/sw.js');
    const css = [...app.assets.keys()].filter((path) => path.endsWith('.css'));
    assert.equal(css.length, 1, 'one stylesheet: a lazily loaded chunk would not load its own');
    for (const path of [...chunks, ...css, '/']) assert.ok(worker.includes(`"${path}"`), `${path} precached`);
  });

  it("stamps the page with its build, which /build.json names, and any chunk's new hash is a new build", () => {
    const stamp = /<meta name="insitechart-build" content="([\w-]+)">/.exec(text(app, '/'))?.[1];
    assert.ok(stamp !== undefined, 'the page carries its build');
    assert.deepEqual(JSON.parse(text(app, '/build.json')), { build: stamp });
    assert.equal(app.assets.get('/build.json')?.immutable, false, 'revalidated: a deploy must show');
    const code = [...app.assets.keys()].filter((path) => /^\/assets\/.*\.(js|css)$/.test(path));
    assert.equal(buildId(code), stamp);
    assert.equal(buildId([...code].reverse()), stamp, 'the order of the names does not matter');
    const view = code.find((path) => path.startsWith('/assets/view-'));
    assert.ok(view !== undefined);
    const rebuilt = code.map((path) => (path === view ? path.replace(/-(\w+)\.js$/, '-CHANGED0.js') : path));
    assert.notEqual(buildId(rebuilt), stamp, 'one view chunk rebuilt with another hash');
    const worker = text(app, '/sw.js');
    assert.ok(!worker.includes('"/build.json"'), 'the worker never answers /build.json from its cache');
  });
});
