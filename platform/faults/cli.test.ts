import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requestFor } from './cli.ts';

describe('npm run fault: command lines to API calls', () => {
  it('inject, list and clear', () => {
    assert.deepEqual(requestFor(['inject', 'latency', '--service', 'analytics', '--duration', '60s']), {
      method: 'POST',
      path: '/api/faults',
      body: { kind: 'latency', service: 'analytics', duration: '60s' },
    });
    assert.deepEqual(requestFor(['inject', 'disk-fill', '--intensity', '1000', '--max-bytes', '5000']).body, {
      kind: 'disk-fill',
      intensity: 1000,
      maxBytes: 5000,
    });
    assert.deepEqual(requestFor(['list']), { method: 'GET', path: '/api/faults' });
    assert.deepEqual(requestFor(['clear']), { method: 'DELETE', path: '/api/faults' });
    assert.equal(requestFor(['clear', '../x']).path, '/api/faults/..%2Fx', 'an id is one path segment');
  });

  it('refuses what it does not understand', () => {
    assert.throws(() => requestFor([]), /command is needed/);
    assert.throws(() => requestFor(['inject']), /cannot inject/);
    assert.throws(() => requestFor(['list', 'x']), /cannot list/);
    assert.throws(() => requestFor(['inject', 'latency', '--bogus', '1']), /Unknown option/);
  });
});
