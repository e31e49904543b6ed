import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openSqlite } from '../../platform/storage/sqlite.ts';
import { RemediationEngine, type StepEvent } from './engine.ts';
import type { RemediationAction } from './executor.ts';
import { SqlitePendingStore } from './pending-store.ts';
import { parseFamily } from './policy/load.ts';
import { testEngineSettings } from './testing.ts';

const dir = mkdtempSync(join(tmpdir(), 'remediation-pending-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

const family = parseFamily(
  `family: test
reactive:
  - name: stall-restart
    on: { signal: detection, match: 'ticks', direction: below }
    action: { kind: restart, service: feed, params: { feed: feed } }
    risk: medium
    verify: { within: 200ms }
`,
  'test.yml',
);

/** One engine "process" on the store at `path`; `now` is shared so a restart can happen later in time. */
function engineOn(path: string, clock: { now: number }) {
  const events: StepEvent[] = [];
  const executed: RemediationAction[] = [];
  const pending = new SqlitePendingStore(path);
  const engine = new RemediationEngine({
    families: [family],
    executor: {
      name: 'fake',
      supports: () => true,
      execute: (action) => {
        executed.push(action);
        return Promise.resolve({ ok: true, detail: 'done' });
      },
    },
    probe: { recovered: () => Promise.resolve(true) },
    publish: (event) => {
      events.push(event);
      return Promise.resolve();
    },
    replicas: () => 1,
    settings: { ...testEngineSettings, maxPending: 5 },
    onError: () => undefined,
    now: () => clock.now,
    pending,
  });
  return { engine, events, executed, pending };
}

const stalled = {
  kind: 'detection',
  key: 'ticks',
  labels: { __name__: 'ticks' },
  fingerprint: 'det:ticks',
  title: 'feed stalled',
  at: 0,
  score: 0.9,
  observed: 0,
  expected: { low: 1, high: 10 },
} as const;
const sre = { kind: 'user', role: 'sre', actor: 'user:sam' } as const;

describe('pending approvals survive a restart', () => {
  it('an approval waiting when the engine stopped waits again after the restart, and an sre can give it', async () => {
    const path = join(dir, 'a.db');
    const clock = { now: 1_000 };
    const first = engineOn(path, clock);
    await first.engine.onSignal(stalled);
    const [waiting] = first.engine.records.list({ limit: 1 });
    assert.equal(waiting?.status, 'pending_approval');
    await first.engine.close();
    first.pending.close();

    clock.now += 10_000;
    const second = engineOn(path, clock);
    assert.deepEqual(second.engine.restorePending(), { restored: 1, dropped: 0, mitigations: 0 });
    const restored = second.engine.records.get(waiting.id);
    assert.equal(restored?.status, 'pending_approval');
    assert.equal(restored.expiresAt, 61_000, 'the expiry it was given before the restart');
    assert.equal(restored.signal.title, 'feed stalled');
    const decision = await second.engine.decide(waiting.id, true, sre);
    assert.equal(decision.ok, true);
    await second.engine.idle();
    assert.deepEqual(
      second.executed.map((a) => [a.kind, a.service, a.params.feed]),
      [['restart', 'feed', 'feed']],
    );
    assert.deepEqual(second.pending.load().entries, [], 'decided: no longer stored');
    second.pending.close();
  });

  it('one whose time ran out while stopped expires as an event; a corrupt row is dropped, not restored', async () => {
    const path = join(dir, 'b.db');
    const clock = { now: 1_000 };
    const first = engineOn(path, clock);
    await first.engine.onSignal(stalled);
    first.pending.close();
    const raw = openSqlite(path, { synchronous: 'FULL' });
    raw.prepare('INSERT INTO remediation_pending (id, entry, expires_at) VALUES (?, ?, ?)').run('x', '{"no":1}', 5);
    raw.close();

    clock.now += 120_000;
    const second = engineOn(path, clock);
    assert.deepEqual(second.engine.restorePending(), { restored: 1, dropped: 1, mitigations: 0 });
    await second.engine.expire();
    assert.deepEqual(
      second.events.map((e) => e.status),
      ['expired'],
    );
    assert.equal(second.pending.load().entries.length, 0);
    assert.equal(second.executed.length, 0);
    second.pending.close();
  });
});
