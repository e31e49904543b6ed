import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { lockDataDir } from '../storage/data-dir-lock.ts';
import { startEntrypoint, waitForOutput } from '../testing/process.ts';
import { FATAL_EXIT_CODE } from './process-policy.ts';

const dir = mkdtempSync(join(tmpdir(), 'startup-checks-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

describe('start-up checks: exit 2 with a readable message before anything slow', { concurrency: true }, () => {
  it('an invalid ALERTS_CONFIG names the setting and the problem, as text', async () => {
    const file = join(dir, 'alerts.json');
    writeFileSync(file, JSON.stringify({ route: { receiver: 'nobody' }, receivers: [{ name: 'team' }] }));
    const started = startEntrypoint('platform/main.ts', { PORT: '0', DATA_DIR: join(dir, 'a'), ALERTS_CONFIG: file });
    assert.equal(await started.exited, 2);
    const out = started.output();
    assert.match(out, /ALERTS_CONFIG=".*alerts\.json": the file is invalid/);
    assert.match(out, /unknown receiver "nobody"/);
    assert.doesNotMatch(out, /\{"level"/, 'not a JSON log line');
    assert.doesNotMatch(out, /web app built|market-data/, 'no service was started');
  });

  it('a missing ALERTS_CONFIG file says so', async () => {
    const started = startEntrypoint('platform/main.ts', {
      PORT: '0',
      DATA_DIR: join(dir, 'b'),
      ALERTS_CONFIG: join(dir, 'nope.json'),
    });
    assert.equal(await started.exited, 2);
    assert.match(started.output(), /ALERTS_CONFIG=".*nope\.json": the file is invalid:\s+no such file/);
  });

  it('a port in use is a named error', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const started = startEntrypoint('platform/main.ts', {
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: join(dir, 'c'),
      });
      assert.equal(await started.exited, 2);
      assert.match(started.output(), new RegExp(`StartupError: PORT=${String(port)}: .* is already in use`));
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('a DATA_DIR held by another live process is refused, naming it', async () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const data = join(dir, 'd');
      lockDataDir(data, holder.pid ?? 0);
      const started = startEntrypoint('platform/main.ts', { PORT: '0', DATA_DIR: data });
      assert.equal(await started.exited, 2);
      assert.match(started.output(), new RegExp(`DATA_DIR .* is in use by process ${String(holder.pid)}`));
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('an unknown OTEL_TRACES_SAMPLER is a configuration error', async () => {
    const started = startEntrypoint('platform/main.ts', { PORT: '0', OTEL_TRACES_SAMPLER: 'sometimes' });
    assert.equal(await started.exited, 2);
    assert.match(started.output(), /OTEL_TRACES_SAMPLER="sometimes": must be one of/);
  });
});

describe('process policy', () => {
  for (const fail of ['rejection', 'exception'])
    it(`an unhandled ${fail} is logged with its stack and ends the process non-zero, bounded even with the collector down`, async () => {
      const started = startEntrypoint('platform/runtime/process-policy.fixture.ts', {
        FAIL: fail,
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${String(await closedPort())}`,
      });
      const t0 = Date.now();
      assert.equal(await started.exited, FATAL_EXIT_CODE);
      assert.ok(Date.now() - t0 < 30_000);
      const out = started.output();
      assert.match(out, /"level":60/);
      assert.match(out, fail === 'rejection' ? /a promise nobody caught/ : /an exception nobody caught/);
      assert.match(out, /"stack":"Error: .*\\n\s+at /, 'with its stack trace');
    });

  it('SIGTERM with the OTLP collector down drains and exits 0', async () => {
    const started = startEntrypoint('platform/main.ts', {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: join(dir, 'otlp-down'),
      SERVICES: 'market-feed,market-data',
      MARKET_TICK_INTERVAL_MS: '20',
      TRACES_TICK_RATIO: '1',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${String(await closedPort())}`,
    });
    await waitForOutput(started, /InsiteChart is up at/, 60_000);
    // Let some spans queue for the exporter that cannot reach its collector.
    await new Promise((r) => setTimeout(r, 1_000));
    started.child.kill('SIGTERM');
    assert.equal(await started.exited, 0, started.output());
    assert.match(started.output(), /drained; bye/);
  });
});
