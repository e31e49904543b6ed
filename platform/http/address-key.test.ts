import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressKey, peerOf } from './address-key.ts';

describe('addressKey', () => {
  it('counts IPv4 (also IPv4-mapped) by address and IPv6 by its /64', () => {
    assert.equal(addressKey('203.0.113.9'), '203.0.113.9');
    assert.equal(addressKey('::ffff:203.0.113.9'), '203.0.113.9');
    assert.equal(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:2:ffff:ffff:ffff:ffff'));
    assert.notEqual(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:3::1'));
    assert.equal(addressKey('2001:db8:1:2::1'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:0db8:1:2:0:0:0:1'), '2001:db8:1:2::/64', 'any spelling, one key');
    assert.equal(addressKey('64:ff9b::203.0.113.9'), '64:ff9b:0:0::/64', 'embedded IPv4 (read by ipaddr.js)');
    assert.equal(addressKey(undefined), 'unknown');
  });

  it('groups addresses by their IPv4 /24 and IPv6 /48', () => {
    assert.deepEqual(peerOf('::ffff:127.0.9.1'), { address: '127.0.9.1', prefix: '127.0.9.0/24' });
    assert.deepEqual(peerOf('::1'), { address: '0:0:0:0::/64', prefix: '0:0:0::/48' });
    assert.deepEqual(peerOf('203.0.113.9'), { address: '203.0.113.9', prefix: '203.0.113.0/24' });
    assert.equal(peerOf('2001:db8:1:2::1').prefix, peerOf('2001:db8:1:ffff::1').prefix);
    assert.notEqual(peerOf('2001:db8:1::1').prefix, peerOf('2001:db8:2::1').prefix);
    assert.deepEqual(peerOf('unix-socket'), { address: 'unix-socket', prefix: 'unix-socket' });
    assert.equal(peerOf('1:2:3:4:5:6:7:8:9').address, '1:2:3:4:5:6:7:8:9', 'not an address: its own key');
    assert.equal(peerOf('300.1.1.1').address, '300.1.1.1');
  });
});
