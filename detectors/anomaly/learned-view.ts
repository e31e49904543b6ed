/**
 * The learned detector as one more view of a series: the forecaster's error on each point, judged like
 * the statistical views (robust z against past errors, novelty against recent surprises).
 */
import { View } from './views/view.ts';
import type { StatisticalOptions, ViewSurprise } from './views/view.ts';
import { LearnedForecaster, trainingPairs } from './learned.ts';

export class LearnedView extends View {
  readonly name = 'learned';
  private model: LearnedForecaster | undefined;
  private readonly recent: Float64Array;
  private seen = 0;
  /** Values kept for self-training (when no shared family model was given), dropped after training. */
  private trainingValues: number[] | undefined;
  private readonly trainAt: number;

  /**
   * With a `model` (a family's shared forecaster) the view uses it as soon as it is trained. Without,
   * the view trains its own on its first `trainAt` points, synchronously, once.
   */
  constructor(options: StatisticalOptions, model: LearnedForecaster | undefined, trainAt: number, lags: number) {
    super(options);
    this.model = model;
    this.recent = new Float64Array(lags);
    this.trainAt = trainAt;
    if (model === undefined) this.trainingValues = [];
  }

  update({ ts, value }: { ts: number; value: number }): ViewSurprise | undefined {
    const lags = this.recent.length;
    let surprise: ViewSurprise | undefined;
    if (this.seen >= lags && this.model?.trained === true) {
      const window = Array.from({ length: lags }, (_, i) => this.recent[(this.seen + i) % lags] ?? 0);
      const forecast = this.model.predict([window])[0] ?? value;
      surprise = this.judge(value - forecast, forecast, ts);
    }
    this.recent[this.seen % lags] = value;
    this.seen += 1;
    if (this.trainingValues !== undefined) {
      this.trainingValues.push(value);
      if (this.seen >= this.trainAt) {
        const { inputs, targets } = trainingPairs(this.trainingValues, lags);
        this.model = new LearnedForecaster({ lags });
        if (inputs.length > 0) this.model.fitSync(inputs, targets);
        this.trainingValues = undefined;
      }
    }
    return surprise;
  }
}
