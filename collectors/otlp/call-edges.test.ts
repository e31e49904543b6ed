import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CallEdgeExtractor } from './call-edges.ts';

describe('service calls from spans', () => {
  it('pairs a span with its parent in another service, whichever arrives first', () => {
    const x = new CallEdgeExtractor({ maxSpans: 100, maxEdges: 100 });
    x.add('checkout', 'a1', '');
    x.add('checkout', 'a2', 'a1'); // same service: not a call
    x.add('payments', 'b1', 'a2');
    x.add('ledger', 'c1', 'b9'); // parent not here yet
    x.add('payments', 'b9', 'a1');
    x.add('ledger', 'c2', 'b9');
    assert.deepEqual(
      x.drain().sort((p, q) => p.callee.localeCompare(q.callee)),
      [
        { caller: 'payments', callee: 'ledger', calls: 2 },
        { caller: 'checkout', callee: 'payments', calls: 2 },
      ],
    );
    assert.deepEqual(x.drain(), [], 'a drain empties the window');
  });

  it('bounds remembered spans, waiting children and edges per window', () => {
    const x = new CallEdgeExtractor({ maxSpans: 10, maxEdges: 3 });
    x.add('a', 'p', '');
    for (let i = 0; i < 20; i++) x.add(`s${String(i)}`, `id${String(i)}`, '');
    for (let i = 0; i < 10; i++) x.add(`callee${String(i)}`, `k${String(i)}`, 'id19');
    assert.equal(x.drain().length, 3, 'ten distinct edges, three counted');
    x.add('b', 'child', 'p'); // p was forgotten: the child waits
    for (let i = 0; i < 20; i++) x.add('c', `w${String(i)}`, `missing${String(i)}`);
    x.add('a', 'p', ''); // too late: the waiting child was pushed out by newer ones
    assert.deepEqual(x.drain(), []);
  });
});
