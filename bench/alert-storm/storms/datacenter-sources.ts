/**
 * The data centre's monitoring, five systems that each name things their own way (the seventh generator's
 * vocabulary, nothing shared with world.ts' Vocabulary): Zabbix for hosts and VMs (trigger names as alert
 * names, some with the host in them; `host` as FQDN, `hostgroup`, Zabbix severities, a new `eventid` each
 * time a problem opens), LibreNMS for switches and PDUs (`device`, `ifName`, `ifAlias` as free text),
 * vCenter alarms (`esxi_host`, `vm`, `datastore`), Prometheus for applications, databases and Kafka (`job`,
 * `instance` as `fqdn:port`, `cluster`, `consumergroup`), blackbox probes (`instance` as a URL) and the
 * storage arrays' own alerts (`array`, `pool`, `volume`). Each source detects with its own delay.
 */
import type { Datacenter, DcVm } from './datacenter.ts';
import { pick } from './world.ts';

export type Source = 'zabbix' | 'librenms' | 'trap' | 'vcenter' | 'prometheus' | 'slow-rule' | 'blackbox' | 'array';

/** One alert a cause (or the background) raises. */
export interface Emission {
  readonly source: Source;
  readonly labels: Record<string, string>;
  /** From the cause's onset to the fault reaching this alert's subject (detection delay is added later). */
  readonly reachMs: number;
  /** Clears with the cause (true) or stays until the storm ends. */
  readonly clears: boolean;
}

/** Detection delay per source: polling intervals, trigger and rule `for:` durations. */
export const detection: Readonly<Record<Source, readonly [number, number]>> = {
  zabbix: [60_000, 240_000],
  librenms: [30_000, 300_000],
  trap: [0, 5_000],
  vcenter: [10_000, 60_000],
  prometheus: [60_000, 120_000],
  'slow-rule': [300_000, 330_000],
  blackbox: [30_000, 90_000],
  array: [0, 30_000],
};

/** How often each source re-sends a firing alert. */
export const resendMs: Readonly<Record<Source, readonly [number, number]>> = {
  zabbix: [60_000, 60_000],
  librenms: [300_000, 300_000],
  trap: [120_000, 240_000],
  vcenter: [120_000, 240_000],
  prometheus: [120_000, 240_000],
  'slow-rule': [120_000, 240_000],
  blackbox: [120_000, 240_000],
  array: [180_000, 300_000],
};

export class Sources {
  readonly #dc: Datacenter;
  readonly #random: () => number;

  constructor(dc: Datacenter, random: () => number) {
    this.#dc = dc;
    this.#random = random;
  }

  fqdn(name: string): string {
    return `${name}.${this.#dc.domain}`;
  }

  #site(): Record<string, string> {
    return { site: this.#dc.site, env: 'prod' };
  }

  zabbix(trigger: string, host: string, group: string, severity: string): Record<string, string> {
    const h = this.fqdn(host);
    return {
      alertname: trigger.replace('{HOST}', host),
      host: h,
      hostgroup: group,
      severity,
      zabbix_server: 'zbx01',
      ...this.#site(),
    };
  }

  zabbixVm(trigger: string, vm: DcVm, severity: string): Record<string, string> {
    const group = vm.app.startsWith('pgc-') ? 'Databases' : vm.app === 'kafka' ? 'Kafka' : 'Linux servers';
    return this.zabbix(trigger, vm.name, group, severity);
  }

  librenms(rule: string, device: string, extra: Record<string, string>, severity: string): Record<string, string> {
    return { alertname: rule, device: this.fqdn(device), ...extra, severity, librenms: 'nms01', ...this.#site() };
  }

  vcenter(alarm: string, subject: Record<string, string>, status: 'red' | 'yellow'): Record<string, string> {
    return { alertname: alarm, ...subject, vcenter: 'vc01', status, ...this.#site() };
  }

  prometheus(
    name: string,
    job: string,
    instance: string,
    port: number,
    extra: Record<string, string>,
  ): Record<string, string> {
    const replica = pick(this.#random, ['prom-0', 'prom-1']);
    const severity = name.includes('Latency') || name.includes('Lag') ? 'ticket' : 'page';
    return {
      alertname: name,
      job,
      instance: `${this.fqdn(instance)}:${String(port)}`,
      ...extra,
      severity,
      prometheus: `monitoring/${replica}`,
      ...this.#site(),
    };
  }

  app(name: string, vm: DcVm, extra: Record<string, string> = {}): Record<string, string> {
    const team = this.#dc.apps.get(vm.app)?.team ?? 'platform';
    return this.prometheus(name, vm.app, vm.name, 9102, { team, ...extra });
  }

  probe(name: string, app: string): Record<string, string> {
    return {
      alertname: name,
      job: 'blackbox-http',
      instance: `https://${app}.${this.#dc.domain}/healthz`,
      probe_module: 'http_2xx',
      severity: 'page',
      ...this.#site(),
    };
  }

  array(name: string, array: string, extra: Record<string, string>, severity: string): Record<string, string> {
    return { alertname: name, array, ...extra, severity, ...this.#site() };
  }
}
