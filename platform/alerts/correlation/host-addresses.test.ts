import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alert, entityTestOptions } from '../test-support.ts';
import { EntityCorrelator } from './entity-correlator.ts';
import { HostAddresses } from './host-addresses.ts';
import { ServiceGraph } from './service-graph.ts';

describe('host names of addresses, from traces', () => {
  it('names an address by the one host that reported it, case-insensitively', () => {
    const h = new HostAddresses();
    h.learn('WEB07', ['10.0.3.7', '2001:DB8::7']);
    assert.deepEqual(h.namesOf('10.0.3.7'), ['web07']);
    assert.deepEqual(h.namesOf('2001:db8::7'), ['web07']);
    assert.deepEqual(h.namesOf('10.0.3.8'), []);
  });

  it('names nobody by an address two hosts reported (a shared virtual address, NAT)', () => {
    const h = new HostAddresses();
    h.learn('web07', ['10.0.3.7', '10.0.9.1']);
    h.learn('web08', ['10.0.3.8', '10.0.9.1']);
    assert.deepEqual(h.namesOf('10.0.9.1'), []);
    assert.deepEqual(h.namesOf('10.0.3.8'), ['web08']);
    for (let i = 0; i < 100; i++) h.learn(`web${String(i)}`, ['10.0.9.1']);
    assert.deepEqual(h.namesOf('10.0.9.1'), [], 'still none, and its names stay bounded');
  });

  it('keeps a bounded number of addresses, the least recently reported going first', () => {
    const h = new HostAddresses(3);
    h.learn('a', ['10.0.0.1']);
    h.learn('b', ['10.0.0.2']);
    h.learn('c', ['10.0.0.3']);
    h.learn('a', ['10.0.0.1']);
    h.learn('d', ['10.0.0.4']);
    assert.equal(h.size, 3);
    assert.deepEqual(h.namesOf('10.0.0.2'), [], 'b went');
    assert.deepEqual(h.namesOf('10.0.0.1'), ['a'], 'a was reported again');
  });

  it('joins an exporter alert naming an address with the incident of a check naming its host', () => {
    const incident = (id: string) =>
      ({ id, alerts: new Map() }) as unknown as Parameters<EntityCorrelator['attach']>[0];
    const run = (graph: ServiceGraph): string | undefined => {
      const c = new EntityCorrelator({ ...entityTestOptions, threshold: 1, graph });
      const i = incident('host');
      c.attach(i, alert({ alertname: 'HOST DOWN', host_name: 'lonapp07' }, 0));
      c.attach(i, alert({ alertname: 'Heartbeat Failure', principal_name: 'LONAPP07.CORP.EXAMPLE.LOCAL' }, 1_000));
      for (let k = 0; k < 10; k++)
        c.attach(
          incident(`n${String(k)}`),
          alert({ alertname: `Other${String(k)}`, host_name: `h${String(k)}` }, 1_000),
        );
      return c.match(alert({ alertname: 'TargetDown', instance: '10.21.1.18:9182' }, 5_000))?.id;
    };
    const known = new ServiceGraph();
    known.hosts.learn('lonapp07', ['10.21.1.18']);
    assert.equal(run(known), 'host');
    assert.equal(run(new ServiceGraph()), undefined, 'an address no trace reported names nothing shared: alone');
  });
});
