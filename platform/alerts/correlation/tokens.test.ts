import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mentionedInName, tokensOf, type AddressNames } from './tokens.ts';

const values = (labels: Record<string, string>, addresses?: AddressNames): string[] =>
  tokensOf(labels, addresses).map((t) => t.value);
const labelOf = (labels: Record<string, string>, value: string): string | undefined =>
  tokensOf(labels).find((t) => t.value === value)?.label;

describe('entities an alert names', () => {
  it('finds the host of a URL, of host:port and of [v6]:port, and their short names', () => {
    assert.ok(
      values({ instance: 'https://Partner-Portal.lon2.corp.example:8443/healthz?x=1' }).includes('partner-portal'),
    );
    assert.ok(values({ target: 'http://probe@10.0.3.7/ping' }).includes('10.0.3.7'));
    assert.ok(values({ instance: '[2001:db8::7]:9100' }).includes('2001:db8::7'));
    assert.ok(values({ instance: 'WEB07.CORP.EXAMPLE.LOCAL' }).includes('web07'), 'case and domain suffix');
  });

  it('takes machine names out of free text, apart from the symptom when the text is the alert name', () => {
    const port = { alertname: 'Port status up/down', ifAlias: 'uplink leaf-r04-a (Et12)', device: 'spine-1' };
    assert.ok(values(port).includes('leaf-r04-a'));
    assert.equal(labelOf(port, 'leaf-r04-a'), 'ifAlias');
    const trigger = { alertname: 'Zabbix agent on db-07.corp.example is unreachable: 10.1.2.3.' };
    assert.equal(labelOf(trigger, 'db-07.corp.example'), mentionedInName);
    assert.equal(labelOf(trigger, 'db-07'), mentionedInName);
    assert.equal(labelOf(trigger, '10.1.2.3'), mentionedInName);
    // Plain words, versions and interface names are not machines.
    const plain = values({ alertname: 'Linux: Interface eth1: Link down', summary: 'release v1.2.3 rolled back' });
    for (const word of ['linux', 'interface', 'eth1', 'link', 'down', 'v1.2.3', 'release'])
      assert.ok(!plain.includes(word), word);
  });

  it('a name a label gives keeps that label when free text mentions it too', () => {
    const labels = { alertname: 'Host web-07 down', host: 'web-07' };
    assert.equal(labelOf(labels, 'web-07'), 'host');
  });

  it('adds the host names an address belongs to, under the label that named the address', () => {
    const hosts: AddressNames = { namesOf: (a) => (a === '10.0.3.7' ? ['WEB07'] : []) };
    const exporter = tokensOf({ instance: '10.0.3.7:9100' }, hosts);
    assert.deepEqual(
      exporter.filter((t) => t.value === 'web07'),
      [{ label: 'instance', value: 'web07' }],
    );
    assert.ok(values({ agent_address: '10.0.3.7' }, hosts).includes('web07'));
    assert.ok(values({ summary: 'no reply from 10.0.3.7' }, hosts).includes('web07'), 'a mentioned address too');
    assert.ok(!values({ instance: '10.0.3.8:9100' }, hosts).includes('web07'));
  });

  it('is bounded on hostile input: huge values are skipped, tokens per alert are capped', () => {
    const huge = `${'a-1 '.repeat(100_000)}x`;
    assert.deepEqual(values({ alertname: 'A', note: huge }), ['a']);
    const many = Object.fromEntries(
      Array.from({ length: 5_000 }, (_, i) => [`l${String(i)}`, `host-${String(i)}.x.y`]),
    );
    assert.equal(tokensOf(many).length, 48);
    const wordy = { note: Array.from({ length: 60 }, (_, i) => `n-${String(i)}`).join(' ') };
    assert.ok(tokensOf(wordy).length <= 48);
    let asked = 0;
    const counting: AddressNames = {
      namesOf: () => {
        asked++;
        return ['a-9'];
      },
    };
    tokensOf({ a: '10.0.0.1', b: 'x 10.0.0.2 10.0.0.3' }, counting);
    assert.ok(asked <= 6, 'an alias is not resolved again');
  });
});
