/** Pure drawing logic of the analytics web view (platform/web/client/views/analytics), tested from Node. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  circleLayout,
  correlationColor,
  edgePath,
  edgeWidth,
  pickSymbols,
  polylines,
} from '../web/client/views/analytics/logic.ts';

describe('analytics view logic', () => {
  it('colours correlations on a diverging scale', () => {
    assert.equal(correlationColor(1), 'rgb(239 68 68)');
    assert.equal(correlationColor(-1), 'rgb(56 189 248)');
    assert.equal(correlationColor(0), 'rgb(22 33 58)');
    assert.equal(correlationColor(null), correlationColor(Number.NaN));
  });

  it('lays nodes on a circle starting at the top', () => {
    const p = circleLayout(4, 100, 100, 50);
    assert.ok(Math.abs((p[0]?.x ?? 0) - 100) < 1e-9 && Math.abs((p[0]?.y ?? 0) - 50) < 1e-9);
    assert.ok(Math.abs((p[1]?.x ?? 0) - 150) < 1e-9);
  });

  it('draws edges between node rims, curved apart for opposite directions', () => {
    const a = { x: 0, y: 0 };
    const b = { x: 100, y: 0 };
    assert.match(edgePath(a, b, 10), /^M10\.0,0\.0 Q50\.0,15\.0 90\.0,0\.0$/);
    assert.notEqual(edgePath(a, b, 10), edgePath(b, a, 10));
    assert.equal(edgeWidth(0.5), 1);
    assert.equal(edgeWidth(1e9), 6);
  });

  it('splits series at gaps into polylines', () => {
    assert.deepEqual(polylines([null, -1, 1, null, 0, 0.5], 50, 10), ['10.0,10.0 20.0,0.0', '40.0,5.0 50.0,2.5']);
    assert.deepEqual(polylines([null, 0.3], 10, 10), []);
  });

  it('picks distinct symbols', () => {
    assert.deepEqual(pickSymbols(['aapl', 'AAPL', 'MSFT', 'SPY'], 2), ['AAPL', 'MSFT']);
  });
});
