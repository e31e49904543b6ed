import type { SeriesLabels } from '../../platform/series/series.ts';
import type { AnyValue, KeyValue } from './schema.ts';

/** Prometheus label and metric names: dots and other characters become underscores. */
export function sanitizeName(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(clean) ? `_${clean}` : clean;
}

export function renderValue(value: AnyValue | undefined): string {
  if (value === undefined) return '';
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return String(value.boolValue);
  if (value.intValue !== undefined) return String(value.intValue);
  if (value.doubleValue !== undefined) return String(value.doubleValue);
  if (value.bytesValue !== undefined) return value.bytesValue;
  if (value.arrayValue !== undefined) return JSON.stringify((value.arrayValue.values ?? []).map(renderValue));
  if (value.kvlistValue !== undefined)
    return JSON.stringify(
      Object.fromEntries((value.kvlistValue.values ?? []).map((kv) => [kv.key, renderValue(kv.value)])),
    );
  return '';
}

export function attributeMap(attributes: readonly KeyValue[]): Map<string, string> {
  return new Map(attributes.map((kv) => [kv.key, renderValue(kv.value)]));
}

/**
 * The labels a resource and scope contribute, following Prometheus' OTLP conventions: `service` from
 * service.namespace/service.name (the job), `instance` from service.instance.id (or host.name), and
 * `otel_scope_name`. Other resource attributes describe the target rather than the series and are left out.
 */
export function resourceLabels(resource: readonly KeyValue[], scopeName: string): Record<string, string> {
  const attrs = attributeMap(resource);
  const name = attrs.get('service.name') ?? 'unknown_service';
  const namespace = attrs.get('service.namespace');
  const labels: Record<string, string> = {
    service: namespace === undefined || namespace === '' ? name : `${namespace}/${name}`,
  };
  const instance = attrs.get('service.instance.id') ?? attrs.get('host.name');
  if (instance !== undefined && instance !== '') labels.instance = instance;
  if (scopeName !== '') labels.otel_scope_name = scopeName;
  return labels;
}

/** Series labels: resource and scope labels, then the point's own attributes (sanitized names), then the name. */
export function seriesLabels(
  name: string,
  base: Readonly<Record<string, string>>,
  attributes: readonly KeyValue[],
  extra: Readonly<Record<string, string>> = {},
): SeriesLabels {
  const labels: Record<string, string> = { ...base };
  for (const kv of attributes) labels[sanitizeName(kv.key)] = renderValue(kv.value);
  Object.assign(labels, extra);
  labels.__name__ = name;
  return labels;
}
