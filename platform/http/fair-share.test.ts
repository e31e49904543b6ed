import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { peerOf } from './address-key.ts';
import { FairShare, shareLimits } from './fair-share.ts';

describe('FairShare', () => {
  it('derives the prefix share from the total, raised by a per-address limit above it', () => {
    assert.deepEqual(shareLimits(10_000, 256, 25), { total: 10_000, perAddress: 256, perPrefix: 2_500 });
    assert.deepEqual(shareLimits(12, 4, 1), { total: 12, perAddress: 4, perPrefix: 4 });
    assert.deepEqual(shareLimits(10_000, 1_000_000, 25), {
      total: 1_000_000,
      perAddress: 1_000_000,
      perPrefix: 1_000_000,
    });
  });

  it('refuses an address at its limit and a prefix at its share unless a neighbour holds two more', () => {
    const share = new FairShare({ total: 100, perAddress: 3, perPrefix: 4 });
    const a = peerOf('203.0.113.1');
    const b = peerOf('203.0.113.2');
    for (let i = 0; i < 3; i += 1) share.add(a);
    assert.deepEqual(share.judge(a), { admit: false, limit: 'address' });
    share.add(b);
    assert.deepEqual(share.judge(b), { admit: true, evict: a }, 'b holds 1, a 3: a gives one up');
    share.remove(a);
    share.add(b);
    assert.deepEqual(share.judge(b), { admit: false, limit: 'prefix' }, 'now even: they would only swap');
    assert.deepEqual(share.judge(peerOf('203.0.113.3')), { admit: true, evict: a }, 'a newcomer of the prefix');
    assert.deepEqual(share.judge(peerOf('2001:db8::1')), { admit: true }, 'another network is below its share');
  });

  it('at the total, the busiest prefix gives way to a newcomer holding two fewer, IPv6 /48s counted as one', () => {
    const share = new FairShare({ total: 10, perAddress: 10, perPrefix: 10 });
    const flood = Array.from({ length: 8 }, (_, i) => peerOf(`2001:db8:7:${i.toString(16)}::9`));
    for (const peer of flood) share.add(peer);
    const other = peerOf('198.51.100.5');
    share.add(other);
    share.add(other);
    assert.equal(share.held, 10);
    const verdict = share.judge(peerOf('192.0.2.1'));
    assert.deepEqual(verdict, { admit: true, evict: flood[0] }, "the /48's address that held the most the longest");
    assert.deepEqual(share.busiest(), flood[0]);
    // Two peers that hold nearly as much do not evict each other back and forth.
    const even = new FairShare({ total: 2, perAddress: 2, perPrefix: 2 });
    even.add(peerOf('198.51.100.1'));
    even.add(peerOf('203.0.113.1'));
    assert.deepEqual(even.judge(peerOf('192.0.2.1')), { admit: false, limit: 'total' });
    for (const peer of flood) share.remove(peer);
    share.remove(other);
    share.remove(other);
    share.remove(other);
    assert.equal(share.held, 0);
    assert.equal(share.prefixes, 0, 'the tables empty with the last holder');
  });
});
