/**
 * The distributed entrypoints' refusals: settings named before anything slow loads (exit 2), as every entrypoint
 * does. Unit cases on the parser, and the real processes (with a broker address nothing listens on: each refusal
 * comes before any connection).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError } from '../../../platform/config/config.ts';
import { startEntrypoint, waitForOutput } from '../../../platform/testing/process.ts';
import { checkEngineSettings, checkPulumiCli, loadDistributedSettings } from './settings.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'remediation-settings-'));
after(() => {
  rmSync(dataDir, { recursive: true, force: true });
});
const good = {
  REMEDIATION_PULUMI_STACK: 'acme/insitechart/prod',
  REMEDIATION_PROMETHEUS_URL: 'http://prometheus:9090',
  PULUMI_ACCESS_TOKEN: 'pul-test',
};
const problems = (env: Record<string, string>): string => {
  try {
    loadDistributedSettings(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message;
  }
  return '';
};

describe('distributed remediation settings', () => {
  it('reads a valid set with its defaults', () => {
    assert.deepEqual(loadDistributedSettings(good), {
      stackName: 'acme/insitechart/prod',
      workDir: 'infra/pulumi',
      refreshFirst: true,
      prometheusUrl: 'http://prometheus:9090',
      prometheusTimeoutMs: 5_000,
    });
  });

  it('names every missing or bad setting', () => {
    const missing = problems({});
    assert.match(missing, /REMEDIATION_PULUMI_STACK="": required/);
    assert.match(missing, /REMEDIATION_PROMETHEUS_URL="": required/);
    assert.match(
      problems({ ...good, REMEDIATION_PULUMI_STACK: 'prod; rm -rf /' }),
      /REMEDIATION_PULUMI_STACK=.*stack name/,
    );
    assert.match(problems({ ...good, REMEDIATION_PROMETHEUS_URL: 'ftp://x' }), /REMEDIATION_PROMETHEUS_URL=.*http/);
    assert.match(
      problems({ ...good, REMEDIATION_PULUMI_REFRESH: 'maybe' }),
      /REMEDIATION_PULUMI_REFRESH=.*true or false/,
    );
    assert.match(
      problems({ ...good, REMEDIATION_PULUMI_WORKDIR: dataDir }),
      /REMEDIATION_PULUMI_WORKDIR=.*no Pulumi.yaml/,
    );
    assert.match(problems({ ...good, PULUMI_ACCESS_TOKEN: '' }), /PULUMI_ACCESS_TOKEN.*PULUMI_BACKEND_URL/);
    assert.equal(problems({ ...good, PULUMI_ACCESS_TOKEN: '', PULUMI_BACKEND_URL: 's3://state' }), '');
  });

  it('names a policy directory that does not load, and a missing pulumi CLI', () => {
    assert.throws(() => {
      checkEngineSettings({ REMEDIATION_POLICIES_DIR: join(dataDir, 'none') });
    }, /REMEDIATION_POLICIES_DIR=/);
    assert.throws(() => {
      checkPulumiCli({ PATH: dataDir });
    }, /pulumi CLI is not on the PATH/);
  });
});

describe('distributed entrypoints refuse to start (exit 2)', () => {
  const base = { PORT: '0', DATA_DIR: dataDir, KAFKA_BROKERS: '127.0.0.1:9' };
  it('portfolio without KAFKA_BROKERS', async () => {
    const started = startEntrypoint('platform/portfolio/main.ts', { PORT: '0', DATA_DIR: dataDir });
    await waitForOutput(started, /KAFKA_BROKERS must be set/, 60_000);
    assert.equal(await started.exited, 2);
  });

  it('remediation naming its missing settings, then a missing pulumi CLI', async () => {
    const missing = startEntrypoint('detectors/remediation/main.ts', base);
    await waitForOutput(missing, /ConfigError[\s\S]*REMEDIATION_PULUMI_STACK[\s\S]*REMEDIATION_PROMETHEUS_URL/, 60_000);
    assert.equal(await missing.exited, 2);
    const noCli = startEntrypoint('detectors/remediation/main.ts', { ...base, ...good, PATH: dataDir });
    await waitForOutput(noCli, /StartupError: the pulumi CLI is not on the PATH/, 60_000);
    assert.equal(await noCli.exited, 2);
  });
});
