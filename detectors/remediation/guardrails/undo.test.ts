import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RemediationAction, RemediationExecutor } from '../executor.ts';
import { undoAction } from './undo.ts';

const undoScale: RemediationAction = { id: 'u', kind: 'scale', service: 's', params: { replicas: 1 } };

function recorder(ok: boolean | 'throw'): { executor: RemediationExecutor; seen: RemediationAction[] } {
  const seen: RemediationAction[] = [];
  return {
    seen,
    executor: {
      name: 'test',
      supports: () => true,
      execute: (action) => {
        seen.push(action);
        if (ok === 'throw') return Promise.reject(new Error('unreachable'));
        return Promise.resolve({ ok, detail: ok ? 'scaled to 1' : 'refused' });
      },
    },
  };
}

describe('undo guardrail', () => {
  const options = { dryRun: false, signal: new AbortController().signal };
  it('runs the inverse the executor returned', async () => {
    const r = recorder(true);
    const out = await undoAction(r.executor, { ok: true, detail: 'scaled to 3', undo: undoScale }, options);
    assert.deepEqual(r.seen, [undoScale]);
    assert.equal(out.undone, true);
  });
  it('says so when there is no inverse, or when the inverse fails or throws', async () => {
    const none = recorder(true);
    assert.equal((await undoAction(none.executor, { ok: true, detail: 'restarted' }, options)).undone, false);
    assert.equal(none.seen.length, 0);
    assert.match(
      (await undoAction(recorder(false).executor, { ok: true, detail: '', undo: undoScale }, options)).detail,
      /undo failed: refused/,
    );
    assert.match(
      (await undoAction(recorder('throw').executor, { ok: true, detail: '', undo: undoScale }, options)).detail,
      /unreachable/,
    );
  });
});
