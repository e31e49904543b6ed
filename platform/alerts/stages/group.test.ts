import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alert, hook, testPipeline } from '../test-support.ts';

describe('grouping with Alertmanager timing', () => {
  const setup = () =>
    testPipeline({
      route: {
        receiver: 'team',
        group_by: ['alertname'],
        group_wait: '30s',
        group_interval: '5m',
        repeat_interval: '1h',
      },
      receivers: [{ name: 'team', targets: [hook('team')] }],
      correlation: { strategy: 'topology', labels: ['alertname'], similarity: 0.5 },
    });

  it('waits group_wait, sends the batch once, sends changes on group_interval ticks and repeats after repeat_interval', () => {
    const { pipeline, clock, sent } = setup();
    const t0 = clock.now();
    pipeline.process(alert({ alertname: 'HighLatency', instance: 'a' }, t0));
    clock.advance(10_000);
    pipeline.process(alert({ alertname: 'HighLatency', instance: 'b' }, clock.now()));
    clock.advance(19_000);
    assert.equal(sent.length, 0, 'nothing before group_wait');
    clock.advance(1_000);
    assert.equal(sent.length, 1, 'one notification for both alerts');
    assert.equal(sent[0]!.message.alertCount, 2);
    assert.equal(sent[0]!.message.kind, 'page');

    clock.advance(60_000);
    pipeline.process(alert({ alertname: 'HighLatency', instance: 'c' }, clock.now()));
    clock.advance(200_000);
    assert.equal(sent.length, 1, 'a change waits for the next group_interval tick');
    clock.advance(40_000);
    assert.equal(sent.length, 2);
    assert.equal(sent[1]!.message.kind, 'update');
    assert.equal(sent[1]!.message.alertCount, 3);

    clock.advance(50 * 60_000);
    assert.equal(sent.length, 2, 'no change, repeat_interval not yet passed');
    clock.advance(15 * 60_000);
    assert.equal(sent.length, 3, 'repeat after an hour without change');
  });

  it('keeps different group_by values apart and sends resolved when the incident clears', () => {
    const { pipeline, clock, sent } = setup();
    const a = alert({ alertname: 'HighLatency', instance: 'a' }, clock.now());
    pipeline.process(a);
    pipeline.process(alert({ alertname: 'ErrorBudgetBurn', instance: 'a' }, clock.now()));
    clock.advance(30_000);
    assert.equal(sent.length, 2, 'two alertnames, two incidents, two groups');
    pipeline.process({ ...a, status: 'resolved' });
    assert.equal(sent.length, 3);
    assert.equal(sent[2]!.message.kind, 'resolved');
  });
});
