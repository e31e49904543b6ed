import { test } from 'node:test';
import assert from 'node:assert/strict';
import { channelWindow } from './window.ts';

test('resamples raw points into the regular window the precursor model reads', () => {
  const end = 10 * 60_000;
  const cpu = [
    { ts: 30_000, value: 0.2 }, // slot 0: (0, 60 s]
    { ts: 60_000, value: 0.4 }, // still slot 0 (right-closed)
    { ts: 200_000, value: 0.9 }, // slot 3
    { ts: 11 * 60_000, value: 1 }, // after the window: ignored
  ];
  const window = channelWindow({ cpu, memory: [] }, end, 10, 60_000);
  assert.deepEqual(
    window.cpu,
    [0.30000000000000004, 0.30000000000000004, 0.30000000000000004, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9],
  );
  assert.equal(window.memory, undefined);
  const late = channelWindow({ cpu: [{ ts: 5 * 60_000 + 1, value: 0.5 }] }, end, 10, 60_000);
  assert.deepEqual(
    late.cpu,
    Array.from({ length: 10 }, () => 0.5),
  );
});
