import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeptAnswers } from './kept-answers.ts';

describe('KeptAnswers', () => {
  it('computes once per key and version, shares a computation in flight, forgets failures, stays bounded', async () => {
    const cache = new KeptAnswers(2);
    let runs = 0;
    const compute = (value: string) => () => {
      runs++;
      return Promise.resolve(value);
    };
    const [a, b] = await Promise.all([cache.answer('k', 1, compute('one')), cache.answer('k', 1, compute('other'))]);
    assert.deepEqual([a, b, runs], ['one', 'one', 1], 'the second request shares the first computation');
    assert.equal(await cache.answer('k', 2, compute('two')), 'two', 'a new version computes again');
    await assert.rejects(cache.answer('bad', 2, () => Promise.reject(new Error('422'))));
    assert.equal(await cache.answer('bad', 2, compute('fixed')), 'fixed', 'a failure is not kept');
    await cache.answer('x', 2, compute('x'));
    await cache.answer('y', 2, compute('y'));
    const before = runs;
    assert.equal(await cache.answer('k', 2, compute('again')), 'again', 'the least recently used went');
    assert.equal(runs, before + 1);
  });
});
