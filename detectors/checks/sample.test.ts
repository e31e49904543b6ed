import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Registry } from 'prom-client';
import { ProcessReadiness, registerReadiness } from '../../platform/telemetry/readiness.ts';
import { readSample } from './sample.ts';

it("reads whether the process serves from the platform's readiness gauge; a registry without it is not starting", async () => {
  const registry = new Registry();
  const readiness = new ProcessReadiness();
  registerReadiness(registry, readiness);
  assert.equal((await readSample(registry, undefined)).ready, false, 'starting');
  readiness.serving();
  assert.equal((await readSample(registry, undefined)).ready, true, 'serving');
  readiness.draining();
  assert.equal((await readSample(registry, undefined)).ready, false, 'draining');
  assert.equal((await readSample(new Registry(), undefined)).ready, true, 'nothing says it is starting');
});
