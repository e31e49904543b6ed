import {
  CandlestickSeries,
  ColorType,
  createChart,
  CrosshairMode,
  HistogramSeries,
  TickMarkType,
  type IChartApi,
  type ISeriesApi,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import { h } from './dom.ts';
import { formatClock, formatDay, formatDayTime, formatPrice, formatVolume } from './format.ts';
import type { Bar, Interval } from './protocol.ts';

const UP = '#16a34a';
/** How close to the oldest bar (in bars) scrolling asks for more history. */
const NEAR_START_BARS = 10;
const DOWN = '#dc2626';

/**
 * A candlestick chart with volume beneath, for one symbol and interval at a time. The container carries
 * data-symbol, data-interval, data-bars, data-last-start, data-last-close and data-updates, so tests and
 * tools can see what is drawn.
 */
export class CandleChart {
  readonly #element: HTMLElement;
  readonly #chart: IChartApi;
  readonly #candles: ISeriesApi<'Candlestick'>;
  readonly #volume: ISeriesApi<'Histogram'>;
  readonly #legend: HTMLElement;
  readonly #empty: HTMLElement;
  #interval: Interval = '1m';
  #last: Bar | undefined;
  #hovering = false;
  #updates = 0;
  #count = 0;

  constructor(element: HTMLElement) {
    this.#element = element;
    const styles = getComputedStyle(document.documentElement);
    const text = styles.getPropertyValue('--text-muted').trim() || '#94a3b8';
    const grid = styles.getPropertyValue('--grid').trim() || '#1e293b';
    this.#chart = createChart(element, {
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: 'transparent' },
        textColor: text,
        fontFamily: 'inherit',
        attributionLogo: true,
      },
      grid: { vertLines: { color: grid }, horzLines: { color: grid } },
      crosshair: { mode: CrosshairMode.Normal },
      rightPriceScale: { borderVisible: false },
      timeScale: {
        borderVisible: false,
        rightOffset: 4,
        timeVisible: true,
        secondsVisible: false,
        tickMarkFormatter: (time: Time, type: TickMarkType) => this.#tick(time, type),
      },
      localization: { timeFormatter: (time: Time) => this.#label(time) },
    });
    this.#candles = this.#chart.addSeries(CandlestickSeries, {
      upColor: UP,
      downColor: DOWN,
      wickUpColor: UP,
      wickDownColor: DOWN,
      borderVisible: false,
    });
    this.#volume = this.#chart.addSeries(HistogramSeries, {
      priceFormat: { type: 'volume' },
      priceScaleId: 'volume',
      lastValueVisible: false,
      priceLineVisible: false,
    });
    this.#chart.priceScale('volume').applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    this.#candles.priceScale().applyOptions({ scaleMargins: { top: 0.1, bottom: 0.25 } });
    this.#legend = h('div', { class: 'legend', 'aria-live': 'off' });
    this.#empty = h('div', { class: 'chart-empty' }, 'Waiting for data…');
    element.append(this.#legend, this.#empty);
    // The legend shows the bar under the crosshair, or the latest one.
    this.#chart.subscribeCrosshairMove((param) => {
      const hovered = param.seriesData.get(this.#candles);
      const vol = param.seriesData.get(this.#volume);
      this.#hovering = hovered !== undefined && 'open' in hovered;
      if (hovered !== undefined && 'open' in hovered) {
        this.#showLegend({
          start: (hovered.time as number) * 1000,
          open: hovered.open,
          high: hovered.high,
          low: hovered.low,
          close: hovered.close,
          volume: vol !== undefined && 'value' in vol ? vol.value : 0,
        });
      } else this.#showLegend(this.#last);
    });
  }

  /** Replaces everything drawn with this series. */
  show(symbol: string, interval: Interval, bars: readonly Bar[]): void {
    this.#interval = interval;
    this.#chart.applyOptions({ timeScale: { secondsVisible: interval === '1s', timeVisible: interval !== '1d' } });
    this.#candles.setData(bars.map(candle));
    this.#volume.setData(bars.map(volume));
    this.#count = bars.length;
    this.#element.dataset.symbol = symbol;
    this.#element.dataset.interval = interval;
    this.#element.setAttribute('aria-label', `${symbol} candlestick chart, ${interval} bars`);
    this.#mark(bars.at(-1));
    this.#chart.timeScale().scrollToRealTime();
  }

  /** Older bars were added before the series: redraws it keeping the bars in view where they were. */
  extend(bars: readonly Bar[], added: number): void {
    const scale = this.#chart.timeScale();
    const range = scale.getVisibleLogicalRange();
    this.#candles.setData(bars.map(candle));
    this.#volume.setData(bars.map(volume));
    this.#count = bars.length;
    if (range !== null) scale.setVisibleLogicalRange({ from: range.from + added, to: range.to + added });
    this.#mark(this.#last);
  }

  /** Calls `near` whenever the user scrolls to within a few bars of the oldest one drawn. */
  onNearStart(near: () => void): void {
    this.#chart.timeScale().subscribeVisibleLogicalRangeChange((range) => {
      if (range !== null && range.from < NEAR_START_BARS && this.#count > 0) near();
    });
  }

  /** Adds a bar or revises the last one (or a recent one: lightweight-charts supports historical updates). */
  update(bar: Bar): void {
    const last = this.#candles.data().at(-1);
    const lastTime = last === undefined ? -Infinity : (last.time as number);
    const time = toTime(bar.start);
    if (time > lastTime) this.#count += 1;
    this.#candles.update(candle(bar), time < lastTime);
    this.#volume.update(volume(bar), time < lastTime);
    this.#updates += 1;
    if (time >= lastTime) this.#mark(bar);
  }

  dispose(): void {
    this.#chart.remove();
  }

  #showLegend(bar: Bar | undefined): void {
    if (bar === undefined) {
      this.#legend.replaceChildren();
      return;
    }
    const item = (label: string, value: string) => h('span', {}, h('b', {}, label), value);
    this.#legend.replaceChildren(
      h('span', { class: 'when' }, this.#label(Math.floor(bar.start / 1000) as UTCTimestamp)),
      item('O', formatPrice(bar.open)),
      item('H', formatPrice(bar.high)),
      item('L', formatPrice(bar.low)),
      item('C', formatPrice(bar.close)),
      item('V', formatVolume(bar.volume)),
    );
    this.#legend.dataset.direction = bar.close >= bar.open ? 'up' : 'down';
  }

  #mark(bar: Bar | undefined): void {
    this.#last = bar;
    this.#empty.hidden = this.#count > 0;
    if (!this.#hovering) this.#showLegend(bar);
    const d = this.#element.dataset;
    d.bars = String(this.#count);
    d.updates = String(this.#updates);
    if (bar === undefined) {
      delete d.lastStart;
      delete d.lastClose;
      return;
    }
    d.lastStart = String(bar.start);
    d.lastClose = String(bar.close);
  }

  #label(time: Time): string {
    const ms = (time as number) * 1000;
    if (this.#interval === '1d') return formatDay(ms);
    return this.#interval === '1s' ? `${formatDayTime(ms)}:${formatClock(ms).slice(-2)}` : formatDayTime(ms);
  }

  #tick(time: Time, type: TickMarkType): string {
    const ms = (time as number) * 1000;
    if (type === TickMarkType.Year || type === TickMarkType.Month || type === TickMarkType.DayOfMonth)
      return formatDay(ms).replace(/, \d{4}$/, '');
    const hms = formatClock(ms);
    return type === TickMarkType.TimeWithSeconds ? hms : hms.slice(0, 5);
  }
}

function toTime(ms: number): UTCTimestamp {
  return Math.floor(ms / 1000) as UTCTimestamp;
}

function candle(bar: Bar) {
  return { time: toTime(bar.start), open: bar.open, high: bar.high, low: bar.low, close: bar.close };
}

function volume(bar: Bar) {
  return {
    time: toTime(bar.start),
    value: bar.volume,
    color: bar.close >= bar.open ? 'rgba(22,163,74,0.45)' : 'rgba(220,38,38,0.45)',
  };
}
