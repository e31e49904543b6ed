/** Load forecasting for the detector tier: fit on a series, forecast with intervals, backtest. */
export {
  fitForecaster,
  type FittedForecaster,
  type ForecastPoint,
  type ForecasterOptions,
  type ForecastModelSummary,
} from './model.ts';
export {
  backtest,
  naiveScale,
  seasonalNaive,
  smape,
  type BacktestOptions,
  type BacktestResult,
  type ForecastMethod,
  type HorizonScore,
} from './backtest.ts';
export { detectSeasonality, type SeasonalComponent } from './seasonality.ts';
export { medianInterval, DAY_MS, WEEK_MS, HOUR_MS, MINUTE_MS } from './sampling.ts';
export { createLoadForecaster, type LoadForecaster, type LoadForecasterOptions } from './streaming.ts';
