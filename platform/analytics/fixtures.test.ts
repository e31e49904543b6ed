/**
 * Every output of the statsmodels/scipy/pandas reference fixtures, recomputed from their inputs: relative
 * error <= 1e-6; p-values below 1e-100 on a log scale; values both below 1e-290 agree; lag orders exactly.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { computeFixture, parseFixtureFile } from './fixture-file.ts';

// Copies of ../shared/fixtures/analytics (kept in the repository so CI needs nothing outside it).
const fixtureDir = new URL('./fixtures/', import.meta.url);
const sharedDir = new URL('../../../shared/fixtures/analytics/', import.meta.url);
// Every fixture file present, so a file with other symbols, dates or parameters dropped in is checked too.
const names = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length));
const tolerance = 1e-6;

// The largest error met in the file being compared, reported per file (the README's figures come from these).
let worst = { error: 0, path: '', expected: 0 };
function note(error: number, path: string, expected: number): void {
  if (error > worst.error) worst = { error, path, expected };
}

function close(expected: number, actual: number, path: string): void {
  if (Math.abs(expected) < 1e-290 && Math.abs(actual) < 1e-290) return;
  if (expected > 0 && expected < 1e-100 && /pvalue/.test(path)) {
    assert.ok(actual > 0, `${path}: expected ${expected}, got ${actual}`);
    const e = Math.abs(Math.log(actual) - Math.log(expected)) / Math.abs(Math.log(expected));
    assert.ok(e <= tolerance, `${path}: expected ${expected}, got ${actual} (log-scale error ${e})`);
    return;
  }
  const e = expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
  note(e, path, expected);
  assert.ok(e <= tolerance, `${path}: expected ${expected}, got ${actual} (relative error ${e})`);
}

// Generation cross-checks and free text (how the generator phrased a call or a choice), not results.
const prose = new Set(['checks', 'method', 'statsmodels_call', 'lag_order_reason']);

/** Walks the reference outputs; returns how many numbers were compared. */
function compare(expected: unknown, actual: unknown, path: string): number {
  if (typeof expected === 'number') {
    assert.equal(typeof actual, 'number', `${path}: expected a number, got ${JSON.stringify(actual)}`);
    close(expected, actual as number, path);
    return 1;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: expected an array`);
    assert.equal(actual.length, expected.length, `${path}: length`);
    return expected.reduce((sum: number, e, i) => sum + compare(e, (actual as unknown[])[i], `${path}[${i}]`), 0);
  }
  if (typeof expected === 'object' && expected !== null) {
    assert.ok(typeof actual === 'object' && actual !== null, `${path}: expected an object`);
    let count = 0;
    for (const [key, value] of Object.entries(expected)) {
      if (prose.has(key)) continue;
      assert.ok(key in actual, `${path}.${key} is missing`);
      count += compare(value, (actual as Record<string, unknown>)[key], `${path}.${key}`);
    }
    return count;
  }
  assert.equal(actual, expected, path);
  return 0;
}

function run(name: string): { expected: Record<string, unknown>; actual: Record<string, unknown> } {
  const text = readFileSync(new URL(`${name}.json`, fixtureDir), 'utf8');
  const { outputs } = JSON.parse(text) as { outputs: Record<string, unknown> };
  // As the CLI prints it and the REST API sends it: JSON, where an undefined value (NaN) is null.
  const actual = JSON.parse(JSON.stringify(computeFixture(parseFixtureFile(text)))) as Record<string, unknown>;
  return { expected: outputs, actual };
}

describe('reference fixtures', () => {
  it(
    'the copies are identical to the shared fixtures (where those are present)',
    { skip: !existsSync(sharedDir) && 'no ../shared here' },
    () => {
      const shared = readdirSync(sharedDir).filter((f) => f.endsWith('.json') || f === 'README.md');
      assert.ok(shared.length > 1, 'no shared fixtures');
      for (const name of shared) {
        assert.equal(
          readFileSync(new URL(name, fixtureDir), 'utf8'),
          readFileSync(new URL(name, sharedDir), 'utf8'),
          name,
        );
      }
    },
  );

  for (const name of names) {
    it(`${name}.json: every output within tolerance`, (t) => {
      const { expected, actual } = run(name);
      worst = { error: 0, path: '', expected: 0 };
      const compared = compare(expected, actual, name);
      assert.ok(compared > 20, `only ${compared} numbers compared`);
      const { error, path, expected: at } = worst;
      t.diagnostic(`${compared} numbers; largest relative error ${error.toExponential(1)} at ${path} (${at})`);
    });
  }

  const fixtureKind = (name: string): unknown =>
    (JSON.parse(readFileSync(new URL(`${name}.json`, fixtureDir), 'utf8')) as { fixture?: unknown }).fixture;
  for (const name of names.filter((n) => fixtureKind(n) === 'var')) {
    it(`${name}.json: exactly the reference lag orders and fitted order`, () => {
      const { expected, actual } = run(name);
      const sel = (o: Record<string, unknown>): unknown =>
        (o.select_order as { selected_orders: unknown }).selected_orders;
      assert.deepEqual(sel(actual), sel(expected));
      const order = (o: Record<string, unknown>): unknown => (o.fit as { lag_order: unknown }).lag_order;
      assert.equal(order(actual), order(expected));
    });
  }
  for (const name of names.filter((n) => fixtureKind(n) === 'granger')) {
    it(`${name}.json: exactly the reference pair lag orders`, () => {
      const { expected, actual } = run(name);
      const pairs = (o: Record<string, unknown>): unknown[] =>
        (o.pairs as { pair_var_select_order: { selected_orders: unknown } }[]).map(
          (p) => p.pair_var_select_order.selected_orders,
        );
      assert.deepEqual(pairs(actual), pairs(expected));
    });
  }
});
