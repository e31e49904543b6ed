import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventId } from './event-id.ts';

describe('event ids', () => {
  it('are version 4 UUIDs, all distinct, across several refills of the random batch', () => {
    const ids = Array.from({ length: 1_000 }, () => eventId());
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('use every hex digit in the random positions (the bytes are random, not a counter)', () => {
    const digits = new Set(Array.from({ length: 300 }, () => eventId().replaceAll('-', '').slice(0, 12)).join(''));
    assert.equal(digits.size, 16);
  });
});
