import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deploy, ofType, testConfig } from './testing/mocks.ts';

describe('smoke', () => {
  it('registers', async () => {
    const { resources } = await deploy(testConfig());
    console.log(resources.length, [...new Set(resources.map((r) => r.type))]);
    assert.ok(ofType(resources, 'Deployment').length > 0);
  });
});
