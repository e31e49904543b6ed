import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { peerOf } from '../http/address-key.ts';
import { PendingCeremonies } from './pending-ceremonies.ts';

const owner = (address: string) => peerOf(address);

describe('PendingCeremonies', () => {
  it('expires ceremonies, hands each out once, and stays bounded', () => {
    const store = new PendingCeremonies<string>({ ttlMs: 1_000, max: 3, perOwner: 2, prefixPercent: 100 });
    assert.equal(store.add('a', owner('198.51.100.1'), 'sign-in', 0), true);
    assert.equal(store.take('a', 10), 'sign-in');
    assert.equal(store.take('a', 10), undefined, 'and it is gone');
    store.add('b', owner('198.51.100.1'), 'sign-in', 0);
    assert.equal(store.take('b', 1_000), undefined, 'expired');
    for (const [c, a] of [
      ['c', '198.51.100.1'],
      ['d', '198.51.101.1'],
      ['e', '198.51.102.1'],
      ['f', '198.51.103.1'],
    ] as const)
      store.add(c, owner(a), c, 100);
    assert.equal(store.size, 3);
    assert.equal(store.take('c', 200), undefined, 'nobody busier: the busiest that held longest gave way');
    assert.equal(store.take('f', 200), 'f');
  });

  it("one owner's flood is refused beyond its share and pushes out nobody else's ceremony", () => {
    const store = new PendingCeremonies<string>({ ttlMs: 60_000, max: 10, perOwner: 4, prefixPercent: 100 });
    assert.equal(store.add('victim', owner('198.51.100.7'), 'sign-in', 0), true);
    const flood = Array.from({ length: 50 }, (_, i) => store.add(`f${String(i)}`, owner('203.0.113.9'), 'x', 1 + i));
    assert.equal(flood.filter(Boolean).length, 4, 'four in progress at once, the rest refused');
    assert.equal(store.take('victim', 100), 'sign-in', "the victim's ceremony is still there");
    // Finished or expired ceremonies give the owner its share back.
    assert.equal(store.take('f0', 100), 'x');
    assert.equal(store.add('again', owner('203.0.113.9'), 'x', 100), true);
    assert.equal(store.add('later', owner('203.0.113.9'), 'x', 70_000), true, 'expired ones no longer count');
  });

  it("many addresses of one network fill only its share, and at the total the busiest network's ceremonies go first", () => {
    const outcomes: string[] = [];
    const store = new PendingCeremonies<string>({ ttlMs: 60_000, max: 20, perOwner: 4, prefixPercent: 50 }, (o) =>
      outcomes.push(o),
    );
    assert.equal(store.add('early', owner('198.51.100.7'), 'sign-in', 0), true);
    // A /48 split into /64s: every /64 its own address, the /48 one prefix holding at most half of the 20.
    const sixes = Array.from({ length: 40 }, (_, i) =>
      store.add(`v6-${String(i)}`, owner(`2001:db8:1:${i.toString(16)}::1`), 'x', 1),
    );
    assert.equal(sixes.filter(Boolean).length, 10);
    assert.equal(outcomes.filter((o) => o === 'prefix').length, 30);
    // Addresses of one IPv4 /24, 4 each: another half, then the total is reached.
    for (let i = 0; i < 12; i += 1) store.add(`v4-${String(i)}`, owner(`203.0.113.${String(i % 3)}`), 'x', 2);
    assert.equal(store.size, 20);
    // Newcomers from unrelated networks are served, each taking the busiest network's oldest ceremony.
    for (let i = 0; i < 5; i += 1)
      assert.equal(store.add(`new-${String(i)}`, owner(`192.0.2.${String(i)}`), 'y', 3), true);
    assert.equal(store.size, 20);
    // One more: the /24's ninth took the /48's oldest, its last two met the /24's share.
    assert.equal(outcomes.filter((o) => o === 'evicted').length, 1 + 5);
    assert.equal(store.take('early', 4), 'sign-in', 'the first sign-in in progress was not pushed out');
    for (let i = 0; i < 5; i += 1) assert.equal(store.take(`new-${String(i)}`, 4), 'y');
  });
});
