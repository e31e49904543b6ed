import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressKey } from './address-key.ts';

describe('addressKey', () => {
  it('counts IPv4 (also IPv4-mapped) by address and IPv6 by its /64', () => {
    assert.equal(addressKey('203.0.113.9'), '203.0.113.9');
    assert.equal(addressKey('::ffff:203.0.113.9'), '203.0.113.9');
    assert.equal(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:2:ffff:ffff:ffff:ffff'));
    assert.notEqual(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:3::1'));
    assert.equal(addressKey('2001:db8:1:2::1'), '2001:db8:1:2::/64');
    assert.equal(addressKey(undefined), 'unknown');
  });
});
