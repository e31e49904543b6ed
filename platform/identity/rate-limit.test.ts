import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { peerOf } from '../http/address-key.ts';
import { RequestRateLimits } from './rate-limit.ts';

const settings = { perMinute: 3, anonymousPerMinute: 4, anonymousTotalPerMinute: 20, prefixPercent: 50 };

describe('RequestRateLimits', () => {
  it("counts an identity's requests in a minute from its first, synchronously", () => {
    const limits = new RequestRateLimits(settings);
    const alice = { actor: 'user:alice' };
    for (let i = 0; i < 3; i += 1) assert.equal(limits.consume(alice, 1_000 + i), undefined);
    assert.deepEqual(limits.consume(alice, 2_000), { retryAfter: 59, limit: 'identity' });
    assert.equal(limits.consume({ actor: 'token:feed' }, 2_000), undefined, 'another identity has its own');
    assert.equal(limits.consume(alice, 61_000), undefined, 'a new window');
    limits.consume({ actor: 'token:feed' }, 200_000);
    assert.equal(limits.identities, 1, 'expired windows are swept');
  });

  it('shares the anonymous total: the busiest networks are refused first, a newcomer is served, identities untouched', () => {
    const outcomes: string[] = [];
    const limits = new RequestRateLimits(settings, (o) => outcomes.push(o));
    const at = 120_000;
    const served = (address: string) => limits.consume({ peer: peerOf(address) }, at) === undefined;
    // An IPv6 /48 split into /64s: 4 per /64, 10 (half the total) for the /48.
    const v6 = Array.from({ length: 20 }, (_, i) => served(`2001:db8:5:${i.toString(16)}::1`)).filter(Boolean);
    assert.equal(v6.length, 10);
    assert.ok(outcomes.includes('prefix'));
    // Random addresses within one /64 count as one address.
    assert.equal(served('2001:db8:6:1::1') && served('2001:db8:6:1::2') && served('2001:db8:6:1:ffff::3'), true);
    assert.equal(served('2001:db8:6:1::4'), true);
    assert.equal(served('2001:db8:6:1::5'), false, 'the /64 has had its 4');
    // Another /24 takes the total to 20.
    for (const a of ['203.0.113.1', '203.0.113.2']) for (let i = 0; i < 3; i += 1) served(a);
    assert.equal(served('203.0.113.3'), false, 'the total is spent and this /24 used more than an equal share');
    assert.equal(outcomes.at(-1), 'total');
    assert.equal(served('192.0.2.44'), true, 'a newcomer from an unrelated network is served');
    assert.deepEqual(limits.consume({ actor: 'user:alice' }, at), undefined, 'signed-in users have their own');
    assert.equal(served('203.0.113.3'), false, 'and the flood is still refused');
    assert.equal(limits.consume({ peer: peerOf('203.0.113.3') }, at + 60_000), undefined, 'until the next minute');
  });
});
