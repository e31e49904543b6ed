import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measureProcessUse } from './process-use.ts';

/** Work whose CPU cost does not depend on how long the machine makes it wait. */
function spin(iterations: number): number {
  let x = 0;
  for (let i = 0; i < iterations; i++) x = (x * 31 + i) % 1_000_003;
  return x;
}

test('a busy span shows CPU time and a busy event loop; an idle one shows neither', async () => {
  // Event-loop utilisation reads 0 until the loop has started.
  await new Promise((resolve) => setImmediate(resolve));
  const busy = measureProcessUse();
  assert.ok(spin(20_000_000) >= 0);
  const used = busy();
  assert.ok(used.cpuSeconds > 0.001, `cpu ${String(used.cpuSeconds)}`);
  assert.ok(used.elu > 0.5, `elu ${String(used.elu)}`);

  const idle = measureProcessUse();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const rested = idle();
  assert.ok(rested.elu < used.elu, `idle elu ${String(rested.elu)}`);
  assert.ok(rested.cpuSeconds < 0.2, `idle cpu ${String(rested.cpuSeconds)}`);
});

test('the CPU wait is a share of the span on Linux, and not a number elsewhere', () => {
  const read = measureProcessUse();
  spin(1_000_000);
  const { cpuWait } = read();
  if (process.platform === 'linux') assert.ok(cpuWait >= 0 && cpuWait <= 1, `wait ${String(cpuWait)}`);
  else assert.ok(Number.isNaN(cpuWait));
});
