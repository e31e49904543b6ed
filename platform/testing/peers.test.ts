import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { peerSkipReason } from './peers.ts';

describe('tests against real peers', () => {
  const missing = '/nonexistent/peer-binary';
  const withCi = (value: string | undefined, run: () => void): void => {
    const saved = process.env.CI;
    if (value === undefined) delete process.env.CI;
    else process.env.CI = value;
    try {
      run();
    } finally {
      if (saved === undefined) delete process.env.CI;
      else process.env.CI = saved;
    }
  };

  it('skip with the reason on a development machine when the binary is missing', () => {
    withCi(undefined, () => {
      assert.match(peerSkipReason(missing, 'some-package') ?? '', /not installed \(apt-get install some-package\)/);
    });
  });

  it('fail when CI=true and the binary is missing', () => {
    withCi('true', () => {
      assert.throws(() => peerSkipReason(missing, 'some-package'), /CI must install the Debian package some-package/);
    });
  });

  it('run when the binary is there', () => {
    withCi('true', () => {
      assert.equal(peerSkipReason(process.execPath, 'node'), undefined);
    });
  });
});
