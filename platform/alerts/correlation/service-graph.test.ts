import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alert, entityTestOptions } from '../test-support.ts';
import { EntityCorrelator } from './entity-correlator.ts';
import { ServiceGraph } from './service-graph.ts';

const options = { ...entityTestOptions, threshold: 1, graphWeight: 1 };

describe('the service graph from traces', () => {
  it('is undirected, decays with its half-life and keeps a bounded number of edges', () => {
    const g = new ServiceGraph({ halfLifeMs: 1_000, maxEdges: 2, saturation: 1 });
    g.observe('checkout', 'payments', 3, 0);
    assert.deepEqual(g.neighbours('payments', 0), [['checkout', 0.75]]);
    assert.deepEqual(g.neighbours('checkout', 1_000), [['payments', 0.6]], 'half the calls after a half-life');
    g.observe('search', 'catalog', 1, 10);
    g.observe('ledger', 'payments', 1, 20);
    assert.equal(g.size, 2);
    assert.deepEqual(g.neighbours('checkout', 20), [], 'the least recently observed edge went');
  });

  it('groups an alert on a caller with its callee incident only when traces saw the call', () => {
    const incident = (id: string) =>
      ({ id, alerts: new Map() }) as unknown as Parameters<EntityCorrelator['attach']>[0];
    const run = (graph: ServiceGraph | undefined): string | undefined => {
      const c = new EntityCorrelator({ ...options, ...(graph === undefined ? {} : { graph }) });
      const i = incident('db');
      c.attach(i, alert({ alertname: 'DbDown', db: 'orders-db', service: 'orders' }, 0));
      c.attach(i, alert({ alertname: 'Errors', db: 'orders-db', service: 'orders' }, 1_000));
      for (let k = 0; k < 10; k++)
        c.attach(incident(`n${String(k)}`), alert({ alertname: `Other${String(k)}`, service: `s${String(k)}` }, 1_000));
      return c.match(alert({ alertname: 'Latency', service: 'checkout' }, 5_000))?.id;
    };
    const g = new ServiceGraph();
    g.observe('checkout', 'orders', 20, 0);
    assert.equal(run(g), 'db');
    assert.equal(run(undefined), undefined, 'nothing shared, no call seen: alone');
  });
});
