import type { SeriesView, StatisticalOptions, ViewSurprise } from './view.ts';
import { MIN_HISTORY } from './view.ts';

/** Runs the stall view remembers at most (bounded state per series). */
const MAX_RUNS = 64;

/**
 * A stuck metric: a value repeated for longer than any run of repeats that ended in the last
 * `scaleMemory` points. Its novelty is the run over that longest run (and over `stall` at least), so it
 * grows while the series stays stuck. A value that does not change is invisible to the other views: it is
 * inside the usual range, its shape (a flat line) was seen before in a series that idles, and a stopped
 * exporter or a hung job shows exactly this. A series that has hardly ever changed is constant, not
 * stuck, and is not judged. The longest run is a maximum over a sliding horizon, not a decayed one: a
 * decayed maximum falls a little between two runs of the same length (a square wave's high half, a job's
 * nightly idle), and the next such run would look a little longer than any before.
 */
export class StallView implements SeriesView {
  private readonly minRun: number;
  private readonly horizon: number;
  /** Runs that may still become the longest, oldest first, strictly shorter towards the back. */
  private readonly ends: number[] = [];
  private readonly lengths: number[] = [];
  private previous = Number.NaN;
  private seen = 0;
  private run = 0;
  private changes = 0;

  constructor({ stall, scaleMemory }: StatisticalOptions) {
    this.minRun = stall;
    this.horizon = scaleMemory;
  }

  update({ value }: { ts: number; value: number }): ViewSurprise | undefined {
    const previous = this.previous;
    this.previous = value;
    const t = this.seen++;
    if (value === previous) this.run += 1;
    else {
      if (!Number.isNaN(previous)) this.changes += 1;
      this.remember(t, this.run);
      this.run = 0;
    }
    while ((this.ends[0] ?? t) < t - this.horizon) {
      this.ends.shift();
      this.lengths.shift();
    }
    if (this.changes < MIN_HISTORY) return undefined;
    const longest = this.lengths[0] ?? 0;
    const novelty = this.run / Math.max(this.minRun, longest + 1);
    // z: the run in units of the longest one lately; the expectation is a value that moves.
    return { view: 'stall', z: this.run / Math.max(1, longest), novelty, expected: value, scale: 0 };
  }

  private remember(end: number, length: number): void {
    if (length === 0) return;
    while ((this.lengths.at(-1) ?? Infinity) <= length) {
      this.ends.pop();
      this.lengths.pop();
    }
    // Bounded state: a long strictly shrinking sequence of runs drops its oldest (longest) one early.
    if (this.lengths.length === MAX_RUNS) {
      this.ends.shift();
      this.lengths.shift();
    }
    this.ends.push(end);
    this.lengths.push(length);
  }
}
