import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alert, entityTestOptions } from '../test-support.ts';
import { EntityCorrelator } from './entity-correlator.ts';
import { ServiceGraph } from './service-graph.ts';
import { TracedErrors } from './traced-errors.ts';

const options = { maxEntities: 100, maxPerEntity: 100, lookbackMs: 60_000, minShare: 0.2 };

describe('where a service failed, from traces', () => {
  it("names the origins of an instance's failures before the alert, its service's when the instance showed none", () => {
    const e = new TracedErrors(options);
    e.observe({ at: 10_000, on: ['web', 'web-1'], origin: ['PG-Orders'], count: 8 });
    e.observe({ at: 10_000, on: ['web', 'web-1'], origin: ['payments', 'v9'], count: 1 });
    e.observe({ at: 20_000, on: ['web', 'web-2'], origin: ['payments', 'v9'], count: 6 });
    e.observe({ at: 90_000, on: ['web', 'web-1'], origin: ['cache-1'], count: 50 });
    assert.deepEqual(e.originsOf(['web', 'web-1'], 30_000), [{ origin: ['pg-orders'], share: 8 / 9 }]);
    assert.deepEqual(
      e.originsOf(['web'], 30_000).map((o) => o.origin.join('/')),
      ['pg-orders', 'payments/v9'],
      'no instance: the service, 8 of 15 and 7 of 15',
    );
    assert.deepEqual(e.originsOf(['web', 'web-1'], 85_000), [], 'failures older than the lookback say nothing');
    assert.deepEqual(e.originsOf(['web', 'web-1'], 5_000), [], 'nor failures after the alert started');
  });

  it('keeps a bounded number of entities and observations per entity', () => {
    const e = new TracedErrors({ ...options, maxEntities: 2, maxPerEntity: 2 });
    for (let i = 0; i < 5; i++) e.observe({ at: i, on: ['api'], origin: [`o${String(i)}`], count: 1 });
    assert.deepEqual(
      e
        .originsOf(['api'], 10)
        .map((o) => o.origin[0])
        .sort(),
      ['o3', 'o4'],
    );
    e.observe({ at: 0, on: ['a'], origin: ['x'], count: 1 });
    e.observe({ at: 0, on: ['b'], origin: ['x'], count: 1 });
    assert.equal(e.size, 2);
    assert.deepEqual(e.originsOf(['api'], 10), [], 'the least recently observed entity went');
  });
});

describe('correlation by where requests failed', () => {
  const incident = (id: string) => ({ id, alerts: new Map() }) as unknown as Parameters<EntityCorrelator['attach']>[0];
  /** A database outage and a bad deploy at once, then an alert on a caller that names only itself. */
  const run = (graph: ServiceGraph, tracedWeight = 1): string | undefined => {
    const c = new EntityCorrelator({ ...entityTestOptions, threshold: 1, tracedWeight, graph });
    const db = incident('db');
    c.attach(db, alert({ alertname: 'DbDown', db: 'pg-orders' }, 0));
    c.attach(db, alert({ alertname: 'DbErrors', db: 'pg-orders', service: 'orders', pod: 'orders-1' }, 1_000));
    const deploy = incident('deploy');
    c.attach(deploy, alert({ alertname: 'CrashLoop', service: 'payments', version: 'v9', pod: 'payments-a' }, 500));
    c.attach(deploy, alert({ alertname: 'CrashLoop', service: 'payments', version: 'v9', pod: 'payments-b' }, 900));
    for (let k = 0; k < 10; k++)
      c.attach(incident(`n${String(k)}`), alert({ alertname: `Other${String(k)}`, service: `s${String(k)}` }, 1_000));
    return c.match(alert({ alertname: 'HighErrorRate', service: 'web', pod: 'web-3' }, 5_000))?.id;
  };

  it("joins a caller's alert to the cause its instance's failed requests started at", () => {
    const toDb = new ServiceGraph();
    toDb.errors.observe({ at: 2_000, on: ['web', 'web-3'], origin: ['pg-orders'], count: 5 });
    toDb.errors.observe({ at: 2_000, on: ['web', 'web-7'], origin: ['payments', 'v9'], count: 5 });
    assert.equal(run(toDb), 'db');
    const toDeploy = new ServiceGraph();
    toDeploy.errors.observe({ at: 3_000, on: ['web', 'web-3'], origin: ['payments', 'v9'], count: 5 });
    assert.equal(run(toDeploy), 'deploy');
    assert.equal(run(toDeploy, 0), undefined, 'with the weight at 0 the traces are not used');
    assert.equal(run(new ServiceGraph()), undefined, 'no failed requests seen: it names nothing shared, alone');
  });

  it('says in the reason that the evidence came from traced failures', () => {
    const graph = new ServiceGraph();
    graph.errors.observe({ at: 2_000, on: ['web'], origin: ['pg-orders'], count: 3 });
    const c = new EntityCorrelator({ ...entityTestOptions, threshold: 1, tracedWeight: 1, graph });
    const db = incident('db');
    c.attach(db, alert({ alertname: 'DbDown', db: 'pg-orders' }, 0));
    c.attach(db, alert({ alertname: 'DbErrors', db: 'pg-orders', service: 'orders' }, 1_000));
    const caller = alert({ alertname: 'HighErrorRate', service: 'web' }, 5_000);
    assert.equal(c.match(caller)?.id, 'db');
    const why = c.attach(db, caller);
    assert.deepEqual(
      why.shared.map((s) => [s.label, s.value]),
      [['traced errors', 'pg-orders']],
    );
  });

  it('with `foreignFailure`, scores less an incident naming none of the places its requests were failing', () => {
    const graph = new ServiceGraph();
    graph.errors.observe({ at: 2_000, on: ['api', 'api-2'], origin: ['pg-orders'], count: 4 });
    const run = (foreignFailure: number) => {
      const c = new EntityCorrelator({ ...entityTestOptions, threshold: 1, tracedWeight: 1, foreignFailure, graph });
      const node = incident('node');
      c.attach(node, alert({ alertname: 'NodeDown', node: 'n1' }, 0));
      c.attach(node, alert({ alertname: 'PodDown', pod: 'cache-1', node: 'n1' }, 1_000));
      for (let k = 0; k < 10; k++)
        c.attach(incident(`n${String(k)}`), alert({ alertname: `Other${String(k)}`, service: `s${String(k)}` }, 1_000));
      const pod = alert({ alertname: 'PodDown', pod: 'api-2', node: 'n1', service: 'api' }, 5_000);
      return { id: c.match(pod)?.id, c, node, pod };
    };
    const { id, c, node, pod } = run(1);
    assert.equal(id, 'node', 'the node it shares is enough');
    assert.equal(
      c.attach(node, pod).shared.some((s) => s.label === 'failing elsewhere'),
      false,
    );
    assert.equal(run(0.2).id, undefined, 'its requests were failing at a database the incident never named');
  });
});
