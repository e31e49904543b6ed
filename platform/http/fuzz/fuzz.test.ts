/**
 * The fuzz suite with the bounded budget `npm test` affords (FUZZ_SECONDS, default 30); `npm run fuzz` runs it
 * longer. Every HTTP route and WebSocket message type gets hostile input: no 5xx but a deliberate 503, no crash, no
 * unhandled rejection, and /healthz answers within 1 s throughout.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runFuzz } from './harness.ts';

const seconds = Number(process.env.FUZZ_SECONDS ?? '30');
const seed = Number(process.env.FUZZ_SEED ?? String(Date.now() % 1_000_000));

describe('fuzz: every route and message type with hostile input', () => {
  it(
    `holds for ${String(seconds)} s of inputs (seed ${String(seed)})`,
    { timeout: (seconds + 90) * 1_000 },
    async () => {
      const report = await runFuzz({
        budgetMs: seconds * 1_000,
        seed,
        socketEdges: true,
      });
      const total = Object.values(report.tried).reduce((a, b) => a + b, 0);
      console.log(
        `fuzz: ${String(total)} inputs over ${String(Object.keys(report.tried).length)} routes and message types`,
      );
      for (const [route, n] of Object.entries(report.tried).sort()) {
        const ok = report.accepted[route];
        console.log(`  ${String(n).padStart(5)}  ${route}${ok === undefined ? '' : ` (${String(ok)} answered 2xx)`}`);
      }
      console.log(
        `fuzz: /healthz probed ${String(report.healthzProbes)} times, slowest ${report.slowestHealthzMs.toFixed(0)} ms`,
      );
      console.log(`fuzz: slowest inputs\n  ${report.slowestInputs.join('\n  ')}`);
      assert.deepEqual(report.failures.slice(0, 20), [], 'no 5xx other than 503, and every request answered');
      assert.deepEqual(report.unhandled, [], 'no unhandled rejection or exception');
      assert.deepEqual(report.polluted, [], 'no key added to Object.prototype or Array.prototype');
      assert.ok(report.slowestHealthzMs < 1_000, `slow /healthz: ${report.slowDuring.join('; ')}`);
      assert.ok(Object.keys(report.tried).length > 50, 'every route was reached');
    },
  );
});
