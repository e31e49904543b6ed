import {
  CandlestickSeries,
  ColorType,
  createChart,
  createSeriesMarkers,
  CrosshairMode,
  HistogramSeries,
  LineStyle,
  TickMarkType,
  type IChartApi,
  type IPriceLine,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import { h } from './dom.ts';
import {
  formatDay,
  formatDayTime,
  formatDayTimeSeconds,
  formatHourMinute,
  formatClock,
  formatMonthDay,
  formatPrice,
  formatVolume,
} from './format.ts';
import { language, t } from './i18n/i18n.ts';
import type { Bar, Interval } from './protocol.ts';

const UP = '#16a34a';
/** How close to the oldest bar (in bars) scrolling asks for more history. */
const NEAR_START_BARS = 10;
const DOWN = '#dc2626';
/** Alert lines and markers: amber, apart from the candles' green and red. */
const ALERT = '#f59e0b';

/**
 * A candlestick chart with volume beneath, for one symbol and interval at a time. The container carries
 * data-symbol, data-interval, data-bars, data-last-start, data-last-close, data-last-y and data-updates, so tests and
 * tools can see what is drawn.
 */
export class CandleChart {
  readonly #element: HTMLElement;
  readonly #chart: IChartApi;
  readonly #candles: ISeriesApi<'Candlestick'>;
  readonly #volume: ISeriesApi<'Histogram'>;
  readonly #legend: HTMLElement;
  readonly #empty: HTMLElement;
  readonly #markers: ISeriesMarkersPluginApi<Time>;
  #lines: IPriceLine[] = [];
  #fired: readonly { readonly at: number; readonly text: string }[] = [];
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
        // The logo is an unlabelled link in the tab order; the attribution is a text link under the chart.
        attributionLogo: false,
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
      localization: { locale: language, priceFormatter: formatPrice, timeFormatter: (time: Time) => this.#label(time) },
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
    this.#markers = createSeriesMarkers(this.#candles, []);
    this.#chart.priceScale('volume').applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    this.#candles.priceScale().applyOptions({ scaleMargins: { top: 0.1, bottom: 0.25 } });
    // The chart is laid out left to right in every language; its legend's words follow the page's direction.
    this.#legend = h('div', { class: 'legend', 'aria-live': 'off', dir: document.documentElement.dir || 'ltr' });
    this.#empty = h('div', { class: 'chart-empty' }, t('chart.waiting'));
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
    this.#element.setAttribute('aria-label', t('chart.label', { symbol, interval }));
    this.#mark(bars.at(-1));
    this.#drawMarkers();
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

  /** What the empty chart says (waiting for data, or that the symbol has none here). */
  setEmptyText(text: string): void {
    this.#empty.textContent = text;
  }

  /** Horizontal lines at the price alerts' levels, labelled. */
  setAlertLines(levels: readonly { readonly price: number; readonly title: string }[]): void {
    for (const line of this.#lines) this.#candles.removePriceLine(line);
    this.#lines = levels.map(({ price, title }) =>
      this.#candles.createPriceLine({ price, title, color: ALERT, lineStyle: LineStyle.Dashed, lineWidth: 1 }),
    );
    this.#element.dataset.alertLines = String(levels.length);
  }

  /** A marker above the bar in which each alert fired (drawn when that bar is in the series). */
  setFired(fired: readonly { readonly at: number; readonly text: string }[]): void {
    this.#fired = fired;
    this.#drawMarkers();
  }

  /** Calls `pick` with the price under the pointer when the chart is clicked or tapped. */
  onPickPrice(pick: (price: number) => void): void {
    this.#chart.subscribeClick((param) => {
      const price = param.point === undefined ? null : this.#candles.coordinateToPrice(param.point.y);
      if (price !== null) pick(price);
    });
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

  #drawMarkers(): void {
    const times = this.#candles.data().map((c) => c.time as number);
    const markers = this.#fired.flatMap(({ at, text }) => {
      const second = Math.floor(at / 1000);
      const time = times.findLast((start) => start <= second);
      if (time === undefined || second - time > 86_400) return [];
      return [
        { time: time as UTCTimestamp, position: 'aboveBar' as const, shape: 'arrowDown' as const, color: ALERT, text },
      ];
    });
    this.#markers.setMarkers(markers.sort((a, b) => a.time - b.time));
    this.#element.dataset.markers = String(markers.length);
  }

  #showLegend(bar: Bar | undefined): void {
    if (bar === undefined) {
      this.#legend.replaceChildren();
      return;
    }
    const item = (label: string, value: string) => h('span', {}, h('b', {}, label), value);
    this.#legend.replaceChildren(
      h('span', { class: 'when' }, this.#label(Math.floor(bar.start / 1000) as UTCTimestamp)),
      item(t('chart.open'), formatPrice(bar.open)),
      item(t('chart.high'), formatPrice(bar.high)),
      item(t('chart.low'), formatPrice(bar.low)),
      item(t('chart.close'), formatPrice(bar.close)),
      item(t('chart.volume'), formatVolume(bar.volume)),
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
      delete d.lastY;
      return;
    }
    d.lastStart = String(bar.start);
    d.lastClose = String(bar.close);
    // Where the last close is drawn (pixels from the chart's top): a test places an alert line next to it.
    const y = this.#candles.priceToCoordinate(bar.close);
    if (y === null) delete d.lastY;
    else d.lastY = String(Math.round(y));
  }

  #label(time: Time): string {
    const ms = (time as number) * 1000;
    if (this.#interval === '1d') return formatDay(ms);
    return this.#interval === '1s' ? formatDayTimeSeconds(ms) : formatDayTime(ms);
  }

  #tick(time: Time, type: TickMarkType): string {
    const ms = (time as number) * 1000;
    if (type === TickMarkType.Year || type === TickMarkType.Month || type === TickMarkType.DayOfMonth)
      return type === TickMarkType.Year ? formatDay(ms) : formatMonthDay(ms);
    return type === TickMarkType.TimeWithSeconds ? formatClock(ms) : formatHourMinute(ms);
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
