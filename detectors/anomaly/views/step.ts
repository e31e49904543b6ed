/** The change from the previous value against past changes: jumps inside the usual range. */
import type { ViewSurprise } from './view.ts';
import { View } from './view.ts';

export class StepView extends View {
  readonly name = 'step';
  private previous = Number.NaN;

  update({ ts, value }: { ts: number; value: number }): ViewSurprise | undefined {
    const previous = this.previous;
    this.previous = value;
    return Number.isNaN(previous) ? undefined : this.judge(value - previous, previous, ts);
  }
}
