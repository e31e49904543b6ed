import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { score } from '../score.ts';
import { generateStorm, generatorNames, type GeneratorName } from './storm.ts';

const names = generatorNames;

describe('alert storms', () => {
  it('are the same for the same seed and differ between seeds', () => {
    for (const g of names) {
      assert.deepEqual(generateStorm(g, 3).alerts, generateStorm(g, 3).alerts, g);
      assert.notDeepEqual(generateStorm(g, 3).alerts, generateStorm(g, 4).alerts, g);
    }
  });

  it('carry their causes and one-offs, and no ground truth in what is sent', () => {
    const expected: Partial<Record<GeneratorName, [number, number]>> = {
      edge: [14, 60],
      telco: [11, 50],
      estate: [12, 45],
    };
    // datacenter draws 10-14 causes and 40-60 one-offs plus its chronic and flapping background.
    const ranges: Partial<Record<GeneratorName, [number, number, number, number]>> = { datacenter: [8, 14, 40, 70] };
    for (const g of names) {
      const storm = generateStorm(g, 11);
      const causes = new Set(storm.alerts.map((a) => a.cause));
      const roots = [...causes].filter((c) => c.startsWith('root-')).length;
      const noise = [...causes].filter((c) => c.startsWith('noise-')).length;
      const [r, n] = expected[g] ?? [12, 40];
      const [rLo, rHi, nLo, nHi] = ranges[g] ?? [r - 1, r, n - 2, n];
      assert.ok(roots >= rLo && roots <= rHi, `${g}: ${String(roots)} causes with alerts`);
      assert.ok(noise >= nLo && noise <= nHi, `${g}: ${String(noise)} one-offs`);
      for (const a of storm.alerts) {
        assert.ok(!Object.values(a.labels).some((v) => causes.has(v)), `${g}: a label names its cause`);
        assert.ok(a.at >= 0 && a.at < storm.spanMs && a.startsAt <= a.at, `${g}: send times inside the storm`);
      }
      assert.ok(
        storm.traces.every((s) => !causes.has(s.service)),
        `${g}: traces carry services only`,
      );
    }
  });

  it('send failed requests while causes last, with spans that name no cause', () => {
    for (const g of names) {
      const storm = generateStorm(g, 11);
      const failed = storm.traces.filter((s) => s.error);
      assert.ok(failed.length > 200, `${g}: ${String(failed.length)} failed spans`);
      assert.ok(
        failed.every((s) => s.at >= 0 && s.at < storm.spanMs),
        `${g}: failures during the storm`,
      );
      assert.ok(!/(root|noise)-\d/.test(JSON.stringify(storm.traces)), `${g}: a span names a cause`);
    }
  });

  it('takes a whole PoP down in the edge storms: its servers and the allocations on them', () => {
    const storm = generateStorm('edge', 11);
    const popDown = storm.alerts.filter((a) => /^Pop/.test(a.labels.alertname ?? ''));
    assert.ok(popDown.length > 0);
    for (const down of popDown) {
      const pop = down.labels.pop ?? '';
      const servers = storm.alerts.filter((a) => a.cause === down.cause && a.labels.server?.startsWith(`${pop}-`));
      assert.ok(servers.length >= 4, `${pop}: ${String(servers.length)} alerts on its servers`);
    }
  });
});

describe('datacenter storms', () => {
  it('name things per monitoring source and open a new Zabbix event each time a problem opens again', () => {
    const storm = generateStorm('datacenter', 11);
    const zabbix = storm.alerts.filter((a) => a.labels.zabbix_server !== undefined);
    const withoutEvent = (l: Record<string, string>): string =>
      JSON.stringify(
        Object.entries(l)
          .filter(([k]) => k !== 'eventid')
          .sort(),
      );
    const episodes = new Map<string, Set<string>>();
    for (const a of zabbix) {
      assert.match(a.labels.eventid ?? '', /^\d+$/);
      const key = withoutEvent(a.labels);
      episodes.set(key, (episodes.get(key) ?? new Set()).add(`${a.labels.eventid ?? ''}@${String(a.startsAt)}`));
    }
    const ids = [...episodes.values()].flatMap((s) => [...s].map((e) => e.split('@')[0]));
    assert.equal(new Set(ids).size, ids.length, 'an event id belongs to one problem episode');
    const sources = new Set(
      storm.alerts.map(
        (a) =>
          Object.keys(a.labels).find((k) => /^(zabbix_server|librenms|vcenter|prometheus|array)$/.test(k)) ??
          (a.labels.probe_module === undefined ? 'none' : 'blackbox'),
      ),
    );
    assert.deepEqual([...sources].sort(), ['array', 'blackbox', 'librenms', 'prometheus', 'vcenter', 'zabbix_server']);
    assert.ok(!storm.alerts.some((a) => 'service' in a.labels || 'pod' in a.labels), 'its own vocabulary');
  });
});

describe('estate storms', () => {
  it('name one machine by address, short name and upper-case FQDN, and send host.ip in traces', () => {
    const storm = generateStorm('estate', 11);
    const labels = storm.alerts.map((a) => a.labels);
    assert.ok(labels.some((l) => /^10\.\d+\.\d+\.\d+$/.test(l.agent_address ?? '')));
    assert.ok(labels.some((l) => /^[A-Z]{3}[A-Z]{3}\d\d\.CORP\.EXAMPLE\.LOCAL$/.test(l.principal_name ?? '')));
    assert.ok(labels.some((l) => /^[a-z]{6}\d\d$/.test(l.host_name ?? '')));
    assert.ok(labels.some((l) => /^10\.[\d.]+:\d+$/.test(l.instance ?? '')));
    const withIp = storm.traces.filter((s) => s.hostIp !== undefined);
    assert.ok(withIp.length > 0 && withIp.every((s) => /^10\./.test(s.hostIp ?? '') && /^[a-z]+\d\d$/.test(s.host)));
  });
});

describe('storm scores', () => {
  it('count majority causes, the largest share of each cause and alerts in no incident', () => {
    const s = score([
      { cause: 'root-0', incident: 'a' },
      { cause: 'root-0', incident: 'a' },
      { cause: 'root-0', incident: 'b' },
      { cause: 'root-1', incident: 'b' },
      { cause: 'noise-0', incident: 'a' },
      { cause: 'root-1', incident: undefined },
    ]);
    assert.equal(s.incidents, 2);
    assert.equal(s.lost, 1);
    assert.equal(s.noiseMerged, 1);
    assert.equal(s.purity, 3 / 6, 'a: 2 of 3 root-0, b: 1 of 2, the lost alert counts against');
    assert.equal(s.completeness, 3 / 5, 'root-0: 2 of 3 together, root-1: 1 of 2 (the other lost)');
  });
});
