import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matches, parseMatcher } from '../matchers.ts';
import { compileRoute, matchRoutes } from './route.ts';

describe('label matchers', () => {
  it('parses the four operators, quoted or not, and anchors regexes', () => {
    assert.equal(matches(parseMatcher('severity="critical"'), { severity: 'critical' }), true);
    assert.equal(matches(parseMatcher('env!=dev'), { env: 'prod' }), true);
    assert.equal(matches(parseMatcher('env!=dev'), { env: 'dev' }), false);
    assert.equal(matches(parseMatcher('service=~"api|web"'), { service: 'api' }), true);
    assert.equal(matches(parseMatcher('service=~"api|web"'), { service: 'api-gw' }), false, 'anchored');
    assert.equal(matches(parseMatcher('team!~"db.*"'), { team: 'dba' }), false);
    assert.equal(matches(parseMatcher('team!~"db.*"'), {}), true, 'a missing label is the empty string');
    assert.throws(() => parseMatcher('no operator'), /not a label matcher/);
    assert.throws(() => parseMatcher('a=~"("'), /bad regex/);
  });
});

describe('routing tree', () => {
  const tree = compileRoute({
    receiver: 'default',
    group_by: ['alertname'],
    group_wait: '10s',
    routes: [
      { matchers: ['severity="critical"'], receiver: 'pager', continue: true, group_wait: '0s' },
      {
        matchers: ['team=~"db|storage"'],
        receiver: 'dba',
        routes: [{ matchers: ['env!="prod"'], receiver: 'dba-dev' }],
      },
      { matchers: ['team="web"'], receiver: 'web' },
      { matchers: ['service=~".+"', 'team!~"db|web"'], receiver: 'catch-services', group_by: ['...'] },
    ],
  });
  const receivers = (labels: Record<string, string>): string[] => matchRoutes(tree, labels).map((r) => r.receiver);

  it('stops at the first matching child unless it has continue', () => {
    assert.deepEqual(receivers({ severity: 'critical', team: 'db', env: 'prod' }), ['pager', 'dba']);
    assert.deepEqual(receivers({ severity: 'warning', team: 'db', env: 'prod' }), ['dba']);
    assert.deepEqual(receivers({ severity: 'critical', team: 'web' }), ['pager', 'web']);
  });

  it('descends into nested routes, uses regex and negative matchers, and falls back to the parent', () => {
    assert.deepEqual(receivers({ team: 'storage', env: 'staging' }), ['dba-dev']);
    assert.deepEqual(receivers({ team: 'storage', env: 'prod' }), ['dba']);
    assert.deepEqual(receivers({ service: 'quotes', team: 'market' }), ['catch-services']);
    assert.deepEqual(receivers({ team: 'market' }), ['default']);
  });

  it('inherits timing and group_by from the parent, and `...` groups every alert alone', () => {
    const [pager] = matchRoutes(tree, { severity: 'critical' });
    assert.equal(pager!.groupWaitMs, 0);
    assert.equal(pager!.groupIntervalMs, 300_000, 'Alertmanager default');
    assert.deepEqual(pager!.groupBy, ['alertname']);
    const [dba] = matchRoutes(tree, { team: 'db', env: 'prod' });
    assert.equal(dba!.groupWaitMs, 10_000);
    assert.equal(matchRoutes(tree, { service: 'x', team: 'y' })[0]?.groupBy, 'all');
  });
});
