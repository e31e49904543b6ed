import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HostAddressExtractor, hostAddresses } from './host-addresses.ts';
import { tracesRequest } from './schema.ts';
import { SignalAggregator } from './signals.ts';
import { traceGraphExtractors } from './trace-graph.ts';

const resource = (attrs: Record<string, string>): Map<string, string> => new Map(Object.entries(attrs));

describe('addresses hosts report for themselves in traces', () => {
  it('reads host.ip as a list or one address, canonical, without addresses that name no one machine', () => {
    assert.deepEqual(hostAddresses('["10.0.3.7","2A01:4F8:0:0::7","127.0.0.1","fe80::1","::1","0.0.0.0"]'), [
      '10.0.3.7',
      '2a01:4f8::7',
    ]);
    assert.deepEqual(hostAddresses('10.0.3.7'), ['10.0.3.7']);
    assert.deepEqual(hostAddresses('::ffff:10.0.3.7'), ['10.0.3.7'], 'IPv4-mapped IPv6 as its IPv4');
    for (const bad of ['10', '0x0a000001', 'web07', '["10.0.3', '[1,2,{}]', '224.0.0.1', '255.255.255.255'])
      assert.deepEqual(hostAddresses(bad), [], bad);
    const many = JSON.stringify(Array.from({ length: 100 }, (_, i) => `10.0.0.${String(i + 1)}`));
    assert.equal(hostAddresses(many).length, 8);
  });

  it('collects each host and address list once until drained, bounded on hostile resources', () => {
    const x = new HostAddressExtractor();
    x.observe(resource({ 'host.name': 'web07', 'host.ip': '["10.0.3.7"]' }));
    x.observe(resource({ 'host.name': 'web07', 'host.ip': '["10.0.3.7"]' }));
    x.observe(resource({ 'host.name': 'web08' }));
    x.observe(resource({ 'host.ip': '10.0.3.9' }));
    x.observe(resource({ 'host.name': 'web09', 'host.ip': 'x'.repeat(100_000) }));
    x.observe(resource({ 'host.name': 'w'.repeat(300), 'host.ip': '10.0.3.10' }));
    assert.deepEqual(x.drain(), [{ name: 'web07', addresses: ['10.0.3.7'] }]);
    assert.deepEqual(x.drain(), []);
    for (let i = 0; i < 20_000; i++) x.observe(resource({ 'host.name': `h${String(i)}`, 'host.ip': '10.1.0.1' }));
    assert.equal(x.drain().length, 10_000, 'a drain holds at most 10,000 hosts');
  });

  it('learns them from OTLP spans through the collector extractors', () => {
    const { hosts, onSpan } = traceGraphExtractors(() => 0);
    const aggregator = new SignalAggregator({ maxKeys: 100, now: 0, onSpan });
    aggregator.addSpans(
      tracesRequest.parse({
        resourceSpans: [
          {
            resource: {
              attributes: [
                { key: 'service.name', value: { stringValue: 'crm-api' } },
                { key: 'host.name', value: { stringValue: 'lonapp07' } },
                { key: 'host.ip', value: { arrayValue: { values: [{ stringValue: '10.21.1.18' }] } } },
              ],
            },
            scopeSpans: [
              {
                scope: { name: 't' },
                spans: [
                  {
                    traceId: '0af7651916cd43dd8448eb211c80319c',
                    spanId: 'b7ad6b7169203331',
                    name: 'GET /',
                    kind: 2,
                    startTimeUnixNano: '1000000',
                    endTimeUnixNano: '2000000',
                    status: { code: 0 },
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    assert.deepEqual(hosts.drain(), [{ name: 'lonapp07', addresses: ['10.21.1.18'] }]);
  });
});
