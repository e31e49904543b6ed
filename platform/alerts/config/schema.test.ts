import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { AlertsConfigError, loadAlertsConfig } from './load.ts';

describe('alerts configuration file', () => {
  it('the README example is valid', () => {
    const c = loadAlertsConfig(fileURLToPath(new URL('example.json', import.meta.url)));
    assert.equal(c.receivers.length, 4);
    assert.equal(c.correlation.window, 300_000);
    assert.equal(c.schedules[0]?.overrides[0]?.start, Date.parse('2026-12-23T23:00:00Z'));
  });

  it('names unknown receivers, users, schedules and bad matchers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'alerts-config-'));
    const file = join(dir, 'bad.json');
    await writeFile(
      file,
      JSON.stringify({
        route: { receiver: 'nope' },
        receivers: [{ name: 'team', escalation_policy: 'missing' }],
        schedules: [
          {
            id: 's',
            name: 'S',
            time_zone: 'Europe/Berlin',
            layers: [{ users: ['ghost'], rotation: {}, start: '2026-01-01T09:00' }],
          },
        ],
      }),
    );
    const regexes = join(dir, 'regex.json');
    await writeFile(
      regexes,
      JSON.stringify({
        route: { receiver: 'team', routes: [{ matchers: ['x=~"("'] }] },
        receivers: [{ name: 'team' }],
        inhibit_rules: [{ source_matchers: ['a=~"["'], target_matchers: [] }],
      }),
    );
    try {
      assert.throws(
        () => loadAlertsConfig(file),
        (e: Error) =>
          e instanceof AlertsConfigError &&
          /unknown receiver "nope"/.test(e.message) &&
          /unknown escalation policy "missing"/.test(e.message) &&
          /unknown user "ghost"/.test(e.message),
      );
      assert.throws(
        () => loadAlertsConfig(regexes),
        (e: Error) =>
          /routes\[0\]\.matchers\[0\]/.test(e.message) && /inhibit_rules\[0\]\.source_matchers/.test(e.message),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    assert.throws(() => loadAlertsConfig('/nonexistent/alerts.json'), AlertsConfigError);
  });
});
