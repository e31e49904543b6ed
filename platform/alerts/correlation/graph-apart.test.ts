import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alert, entityTestOptions } from '../test-support.ts';
import { EntityCorrelator } from './entity-correlator.ts';
import { apartInGraph } from './graph-apart.ts';
import { ServiceGraph } from './service-graph.ts';

/** orders - ledger - audit in one part of the traces, billing - invoices in another. */
function graph(): ServiceGraph {
  const g = new ServiceGraph();
  g.observe('orders', 'ledger', 5, 0);
  g.observe('ledger', 'audit', 5, 0);
  g.observe('billing', 'invoices', 5, 0);
  return g;
}

const incident = (id: string) => ({ id, alerts: new Map() }) as unknown as Parameters<EntityCorrelator['attach']>[0];

describe('apart in the traced service graph', () => {
  it('reaches services within a number of calls and says apart only when both sides name known services', () => {
    const g = graph();
    assert.deepEqual([...g.within(['orders'], 1)].sort(), ['ledger', 'orders']);
    assert.deepEqual([...g.within(['orders', 'node-7'], 2)].sort(), ['audit', 'ledger', 'orders']);
    assert.equal(apartInGraph(g, ['orders'], ['audit'], 2), false, 'two calls away');
    assert.equal(apartInGraph(g, ['orders'], ['audit'], 1), true, 'more than one call away');
    assert.equal(apartInGraph(g, ['orders', 'node-7'], ['billing', 'node-7'], 3), true, 'a shared node is no call');
    assert.equal(apartInGraph(g, ['node-7'], ['billing'], 3), false, 'nothing known on one side says nothing');
    assert.equal(apartInGraph(undefined, ['orders'], ['billing'], 3), false);
  });

  it('declines a late join on a shared node when traces show no path between the services', () => {
    const run = (after: number, g: ServiceGraph): string | undefined => {
      const c = new EntityCorrelator({
        ...entityTestOptions,
        threshold: 0.5,
        graph: g,
        apart: { afterMs: after, merges: false, hops: 2 },
      });
      const i = incident('orders');
      c.attach(i, alert({ alertname: 'Errors', service: 'orders', node: 'node-7' }, 0));
      c.attach(i, alert({ alertname: 'Errors', service: 'orders', node: 'node-7', pod: 'orders-1' }, 1_000));
      for (let k = 0; k < 10; k++)
        c.attach(incident(`n${String(k)}`), alert({ alertname: `Other${String(k)}`, service: `s${String(k)}` }, 1_000));
      return c.match(alert({ alertname: 'Errors', service: 'billing', node: 'node-7' }, 120_000))?.id;
    };
    assert.equal(run(0, graph()), 'orders', 'without the rule the node joins them');
    assert.equal(run(60_000, graph()), undefined, 'two minutes after the onset, no path: alone');
    assert.equal(run(180_000, graph()), 'orders', 'within the time the rule allows');
    const linked = graph();
    linked.observe('billing', 'ledger', 5, 0);
    assert.equal(run(60_000, linked), 'orders', 'billing calls ledger, which orders calls: within two calls');
  });
});
