import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PendingCeremonies } from './pending-ceremonies.ts';

describe('PendingCeremonies', () => {
  it('expires ceremonies, hands each out once, and stays bounded', () => {
    const store = new PendingCeremonies<string>({ ttlMs: 1_000, max: 3, perOwner: 10 });
    assert.equal(store.add('a', 'x', 'sign-in', 0), true);
    assert.equal(store.take('a', 10), 'sign-in');
    assert.equal(store.take('a', 10), undefined, 'and it is gone');
    store.add('b', 'x', 'sign-in', 0);
    assert.equal(store.take('b', 1_000), undefined, 'expired');
    for (const c of ['c', 'd', 'e', 'f']) store.add(c, `owner-${c}`, c, 100);
    assert.equal(store.size, 3);
    assert.equal(store.take('c', 200), undefined, 'the oldest was dropped');
    assert.equal(store.take('f', 200), 'f');
  });

  it("one owner's flood is refused beyond its share and pushes out nobody else's ceremony", () => {
    const store = new PendingCeremonies<string>({ ttlMs: 60_000, max: 10, perOwner: 4 });
    assert.equal(store.add('victim', 'address:198.51.100.7', 'sign-in', 0), true);
    const flood = Array.from({ length: 50 }, (_, i) => store.add(`f${String(i)}`, 'address:203.0.113.9', 'x', 1 + i));
    assert.equal(flood.filter(Boolean).length, 4, 'four in progress at once, the rest refused');
    assert.equal(store.take('victim', 100), 'sign-in', "the victim's ceremony is still there");
    // Finished or expired ceremonies give the owner its share back.
    assert.equal(store.take('f0', 100), 'x');
    assert.equal(store.add('again', 'address:203.0.113.9', 'x', 100), true);
    assert.equal(store.add('later', 'address:203.0.113.9', 'x', 70_000), true, 'expired ones no longer count');
  });
});
