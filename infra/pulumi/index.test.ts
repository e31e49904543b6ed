import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as pulumi from '@pulumi/pulumi';
import { field, ofType, record, secretValue } from './testing/mocks.ts';
import { stackValues } from './testing/stacks.ts';

describe('the program (index.ts)', () => {
  it('reads the dev stack as the runtime passes it, with its secrets, and deploys it', async () => {
    const values = Object.fromEntries([...stackValues('dev')].map(([k, v]) => [`insitechart:${k}`, v]));
    pulumi.runtime.setAllConfig(
      { ...values, 'insitechart:adminPassword': 'pw', 'insitechart:ingestToken': 'ict_dev' },
      ['insitechart:adminPassword', 'insitechart:ingestToken'],
    );
    const { resources, result } = await record(() => import('./index.ts'));
    assert.equal(result.namespace, 'insitechart-dev');
    assert.equal(result.workloads.web, 'Deployment');
    assert.equal(result.images['market-data'], 'ghcr.io/insitechart/insitechart/market-data:latest');
    assert.equal(field(ofType(resources, 'KafkaNodePool')[0]?.inputs, 'spec', 'replicas'), 1);
    const secret = ofType(resources, 'Secret').find(
      (r) => field(r.inputs, 'metadata', 'name') === 'insitechart-secrets',
    );
    assert.deepEqual(secretValue(field(secret?.inputs, 'stringData')), {
      ADMIN_PASSWORD: 'pw',
      INGEST_TOKEN: 'ict_dev',
      'alerts.json': '{}',
    });
  });
});
