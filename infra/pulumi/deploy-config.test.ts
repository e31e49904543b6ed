import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./deploy-config.sh', import.meta.url));
const bin = mkdtempSync(join(tmpdir(), 'deploy-config-'));
// A pulumi CLI that answers `stack output NAME` from FAKE_<NAME> and fails for an output it does not have.
writeFileSync(
  join(bin, 'pulumi'),
  '#!/bin/sh\neval "v=\\${FAKE_$3:-}"\n[ -n "$v" ] || { echo "no output $3" >&2; exit 1; }\necho "$v"\n',
);
chmodSync(join(bin, 'pulumi'), 0o755);
after(() => {
  rmSync(bin, { recursive: true, force: true });
});

function configMap(outputs: Record<string, string>, tag: string, extra?: string): unknown {
  const env = { PATH: `${bin}:${process.env.PATH ?? ''}` } as Record<string, string>;
  for (const [k, v] of Object.entries(outputs)) env[`FAKE_${k}`] = v;
  const args = [script, 'prod', tag, ...(extra === undefined ? [] : [extra])];
  return JSON.parse(execFileSync('sh', args, { env, encoding: 'utf8' })) as unknown;
}

describe('the deploy workflow records the tag a rollback returns to (deploy-config.sh)', () => {
  it('a new tag: the live one becomes previousImageTag, the extra keys kept', () => {
    const extra = '{"insitechart:canaryWeight": {"value": "10"}}';
    assert.deepEqual(configMap({ imageTag: 'aaa111', previousImageTag: '9990000' }, 'bbb222', extra), {
      'insitechart:imageTag': { value: 'bbb222' },
      'insitechart:previousImageTag': { value: 'aaa111' },
      'insitechart:canaryWeight': { value: '10' },
    });
  });

  it('the same tag again (the promotion after the canary) keeps the previous one, not itself', () => {
    assert.deepEqual(configMap({ imageTag: 'bbb222', previousImageTag: 'aaa111' }, 'bbb222'), {
      'insitechart:imageTag': { value: 'bbb222' },
      'insitechart:previousImageTag': { value: 'aaa111' },
    });
  });

  it('before any update nothing is recorded (a rollback is then refused)', () => {
    assert.deepEqual(configMap({}, 'bbb222'), { 'insitechart:imageTag': { value: 'bbb222' } });
  });

  it('every pulumi up of the deploy workflow takes its config-map from the script', () => {
    const workflow = readFileSync(
      fileURLToPath(new URL('../../.github/workflows/deploy.yml', import.meta.url)),
      'utf8',
    );
    const ups = workflow.match(/command: up/g)?.length ?? 0;
    assert.ok(ups >= 4);
    assert.equal(workflow.match(/config-map: \$\{\{ steps\.deploy-config\.outputs\.config-map \}\}/g)?.length, ups);
    assert.equal(workflow.match(/sh deploy-config\.sh /g)?.length, ups);
  });
});
