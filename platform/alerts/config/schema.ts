import { z } from 'zod';
import { duration } from '../durations.ts';
import { matcherList, parseMatcher } from '../matchers.ts';
import { smtpSettings } from '../notify/email/config.ts';
import { languages } from '../notify/message.ts';
import { pushProvider } from '../notify/push/config.ts';
import { smsProvider } from '../notify/sms/config.ts';
import { channelTarget } from '../notify/targets.ts';
import { webpushSettings } from '../notify/webpush/config.ts';

/** The alert pipeline's configuration file (JSON): routing tree, receivers, on-call, topology, fatigue. */

const id = z.string().regex(/^[a-zA-Z0-9_.:-]{1,64}$/, 'must be 1-64 letters, digits or _.:-');
const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone like Europe/Berlin');
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24h)');
const localDateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'must be a local date-time YYYY-MM-DDTHH:MM');
const instant = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));

/** One node of the routing tree, as Alertmanager's `route` (unset fields inherit from the parent). */
export interface RawRoute {
  receiver?: string | undefined;
  matchers?: string[] | undefined;
  continue?: boolean | undefined;
  group_by?: string[] | undefined;
  group_wait?: string | number | undefined;
  group_interval?: string | number | undefined;
  repeat_interval?: string | number | undefined;
  routes?: RawRoute[] | undefined;
}
const durationText = z.union([z.string(), z.number().int().nonnegative()]);
/** Kept as text in the tree (compiled by stages/route.ts), but checked here so errors name the file. */
const matcherText = z.string().superRefine((text, ctx) => {
  try {
    parseMatcher(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});
export const rawRoute: z.ZodType<RawRoute> = z.lazy(() =>
  z.strictObject({
    receiver: z.string().optional(),
    matchers: z.array(matcherText).optional(),
    continue: z.boolean().optional(),
    group_by: z.array(z.string()).optional(),
    group_wait: durationText.optional(),
    group_interval: durationText.optional(),
    repeat_interval: durationText.optional(),
    routes: z.array(rawRoute).optional(),
  }),
);

export const receiverSchema = z.strictObject({
  name: id,
  /** People are paged through this policy (schedules, steps, timeouts). */
  escalation_policy: id.optional(),
  /** Team destinations notified directly (a Slack channel, a ticketing webhook, PagerDuty). */
  targets: z.array(channelTarget).default([]),
});

export const userSchema = z.strictObject({
  id,
  name: z.string().min(1),
  language: z.enum(languages).default('en'),
  time_zone: timeZone.default('UTC'),
  /** Non-critical notifications wait for the digest during these local hours. */
  quiet_hours: z.strictObject({ start: clockTime, end: clockTime }).optional(),
  // Each page goes to every contact: a bound keeps one person from turning a page into thousands of deliveries.
  contacts: z.array(channelTarget).max(20).default([]),
});

export const scheduleSchema = z.strictObject({
  id,
  name: z.string().min(1),
  time_zone: timeZone,
  layers: z
    .array(
      z.strictObject({
        name: z.string().default('primary'),
        users: z.array(id).min(1).max(500),
        rotation: z.strictObject({
          length: z.number().int().min(1).default(1),
          unit: z.enum(['hours', 'days', 'weeks']).default('weeks'),
        }),
        /** First hand-off, in the schedule's local time: later hand-offs keep this wall-clock time across DST. */
        start: localDateTime,
      }),
    )
    .min(1)
    .max(20),
  overrides: z
    .array(z.strictObject({ user: id, start: instant, end: instant }))
    .max(1_000)
    .default([]),
});

export const escalationPolicySchema = z.strictObject({
  id,
  name: z.string().min(1),
  steps: z
    .array(
      z.strictObject({
        /** How long this step waits for an acknowledgement before escalating to the next. */
        timeout: duration.default(900_000),
        targets: z
          .array(z.union([z.strictObject({ user: id }), z.strictObject({ schedule: id })]))
          .min(1)
          .max(50),
      }),
    )
    .min(1)
    .max(20),
  /** How many times the whole policy runs again when nobody acknowledges. */
  repeat: z.number().int().min(0).max(10).default(0),
});

export const maintenanceWindowSchema = z
  .strictObject({
    id,
    matchers: matcherList,
    /** One-off window. */
    start: instant.optional(),
    end: instant.optional(),
    /** Or weekly: these days (0 = Sunday), from `from` to `to` local time in `time_zone`. */
    weekly: z
      .strictObject({
        days: z.array(z.number().int().min(0).max(6)).min(1),
        from: clockTime,
        to: clockTime,
        time_zone: timeZone,
      })
      .optional(),
  })
  .refine(
    (w) => (w.start !== undefined && w.end !== undefined) !== (w.weekly !== undefined),
    'a maintenance window needs either start and end, or weekly',
  );

export const alertsConfigSchema = z
  .strictObject({
    route: rawRoute,
    receivers: z.array(receiverSchema).min(1),
    inhibit_rules: z
      .array(
        z.strictObject({
          source_matchers: matcherList,
          target_matchers: matcherList,
          equal: z.array(z.string()).default([]),
        }),
      )
      .default([]),
    users: z.array(userSchema).default([]),
    schedules: z.array(scheduleSchema).default([]),
    escalation_policies: z.array(escalationPolicySchema).default([]),
    maintenance_windows: z.array(maintenanceWindowSchema).default([]),
    /** Which service depends on which: alerts on neighbours within max_hops correlate into one incident. */
    topology: z.record(z.string(), z.array(z.string())).default({}),
    correlation: z
      .strictObject({
        window: duration.default(300_000),
        max_hops: z.number().int().min(0).max(5).default(1),
        /** Alerts only join incidents whose alerts have the same values of these labels. */
        equal: z.array(z.string()).default(['cluster']),
        /** Labels compared for similarity (Jaccard over name=value pairs). */
        labels: z.array(z.string()).default(['alertname', 'service', 'job', 'namespace', 'instance']),
        similarity: z.number().min(0).max(1).default(0.5),
        /**
         * entities: learned from what alerts name (see correlation/README); topology: the `topology` graph and
         * label similarity; group_by: Alertmanager-style, one incident per value set of `group_by`.
         */
        strategy: z.enum(['entities', 'topology', 'group_by']).default('entities'),
        group_by: z.array(z.string()).default(['alertname']),
        /** entities: score needed to join, decay of the score with the event-time gap, weight of alertname. */
        threshold: z.number().min(0).max(100).default(1),
        decay: duration.default(60_000),
        symptom_weight: z.number().min(0).max(1).default(0.5),
        /** entities: factor on the score against an incident that never showed the alert's name (1: none). */
        foreign_symptom: z.number().min(0).max(1).default(0.5),
        /** entities: prior count of quiet-time alerts in a value's frequency (how rare values are by default). */
        background: z.number().min(0).max(10_000).default(30),
        /** entities: weight of a call between services seen in traces, against naming the same value (1). */
        graph_weight: z.number().min(0).max(2).default(1),
        /** entities: weight of where an alert's service's failed requests started in traces, as evidence for. */
        traced_weight: z.number().min(0).max(2).default(0),
        /** entities: factor on the score against an incident naming none of those origins (1: none). */
        foreign_failure: z.number().min(0).max(1).default(0.5),
        /** entities: an alert able to join open incidents whose onsets are this close merges them (0: never). */
        merge_onset: duration.default(60_000),
      })
      .prefault({}),
    enrichment: z
      .strictObject({
        /** `{service}` and `{alertname}` are replaced; empty: GRAFANA_URL's service dashboard, else no link. */
        dashboard_url: z.string().default(''),
        runbook_base_url: z.string().default('/runbooks/'),
        remediation_window: duration.default(3_600_000),
      })
      .prefault({}),
    priority: z
      .strictObject({
        business_impact: z
          .array(z.strictObject({ matchers: matcherList, boost: z.number().int().min(1).max(2) }))
          .default([]),
        flap: z
          .strictObject({ window: duration.default(600_000), threshold: z.number().int().min(2).default(4) })
          .prefault({}),
      })
      .prefault({}),
    fatigue: z
      .strictObject({
        rate_limit: z
          .strictObject({ max: z.number().int().min(1).default(10), per: duration.default(600_000) })
          .prefault({}),
        digest: z
          .strictObject({
            interval: duration.default(1_800_000),
            min_priority: z.number().int().min(1).max(5).default(4),
          })
          .prefault({}),
      })
      .prefault({}),
    channels: z
      .strictObject({
        smtp: smtpSettings.optional(),
        sms: smsProvider.optional(),
        push: pushProvider.optional(),
        webpush: webpushSettings.prefault({}),
        retry: z
          .strictObject({
            attempts: z.number().int().min(1).max(50).default(8),
            initial_backoff: duration.default(1_000),
            max_backoff: duration.default(300_000),
          })
          .prefault({}),
        timeout: duration.default(10_000),
      })
      .prefault({}),
    /** How long finished state is kept (every table that grows with input has a bound). */
    retention: z
      .strictObject({
        /** Delivered or failed outbox rows (pending ones are never removed). */
        outbox: duration.default(604_800_000),
        delivery_log: duration.default(2_592_000_000),
        /** Most delivery_log rows kept whatever their age (oldest go first). */
        delivery_log_rows: z.number().int().min(1_000).default(200_000),
        /** Fingerprints remembered for dedup and flap counting (least recently seen go first). */
        fingerprints: z.number().int().min(1_000).default(100_000),
        /** Resolved incidents and their alerts (store/incident-retention.ts). */
        incidents: duration.default(2_592_000_000),
        /** Alert rows kept per incident and in all: resolved ones least recently seen go first. */
        incident_alerts: z.number().int().min(100).default(1_000),
        incident_alert_rows: z.number().int().min(1_000).default(200_000),
      })
      .prefault({}),
    /**
     * How many on-call users, schedules and escalation policies may exist (each entry's own fan-out is bounded by its
     * schema): the API refuses a new id beyond it (422); updates and removals always work.
     */
    limits: z
      .strictObject({
        users: z.number().int().min(1).max(100_000).default(1_000),
        schedules: z.number().int().min(1).max(10_000).default(200),
        escalation_policies: z.number().int().min(1).max(10_000).default(200),
      })
      .prefault({}),
    /** Public base URL of the web app for links in notifications; empty: PUBLIC_URL, else localhost:PORT. */
    public_url: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]).default(''),
  })
  .superRefine((c, ctx) => {
    const receivers = new Set(c.receivers.map((r) => r.name));
    const policies = new Set(c.escalation_policies.map((p) => p.id));
    const users = new Set(c.users.map((u) => u.id));
    const schedules = new Set(c.schedules.map((s) => s.id));
    const walk = (r: RawRoute, path: string): void => {
      if (r.receiver !== undefined && !receivers.has(r.receiver))
        ctx.addIssue({ code: 'custom', path: [path], message: `unknown receiver "${r.receiver}"` });
      r.routes?.forEach((child, i) => {
        walk(child, `${path}.routes.${String(i)}`);
      });
    };
    if (c.route.receiver === undefined)
      ctx.addIssue({ code: 'custom', path: ['route', 'receiver'], message: 'the root route needs a receiver' });
    walk(c.route, 'route');
    for (const [list, limit] of [
      ['users', c.limits.users],
      ['schedules', c.limits.schedules],
      ['escalation_policies', c.limits.escalation_policies],
    ] as const)
      if (c[list].length > limit)
        ctx.addIssue({ code: 'custom', path: [list], message: `more than limits.${list} (${String(limit)}) entries` });
    for (const r of c.receivers)
      if (r.escalation_policy !== undefined && !policies.has(r.escalation_policy))
        ctx.addIssue({
          code: 'custom',
          path: ['receivers', r.name],
          message: `unknown escalation policy "${r.escalation_policy}"`,
        });
    for (const s of c.schedules)
      for (const l of s.layers)
        for (const u of l.users)
          if (!users.has(u))
            ctx.addIssue({ code: 'custom', path: ['schedules', s.id], message: `unknown user "${u}"` });
    for (const p of c.escalation_policies)
      for (const step of p.steps)
        for (const t of step.targets) {
          if ('user' in t && !users.has(t.user))
            ctx.addIssue({ code: 'custom', path: ['escalation_policies', p.id], message: `unknown user "${t.user}"` });
          if ('schedule' in t && !schedules.has(t.schedule))
            ctx.addIssue({
              code: 'custom',
              path: ['escalation_policies', p.id],
              message: `unknown schedule "${t.schedule}"`,
            });
        }
  });

export type AlertsConfig = z.output<typeof alertsConfigSchema>;
export type AlertsConfigInput = z.input<typeof alertsConfigSchema>;
export type UserConfig = z.output<typeof userSchema>;
export type ScheduleConfig = z.output<typeof scheduleSchema>;
export type EscalationPolicyConfig = z.output<typeof escalationPolicySchema>;
export type MaintenanceWindow = z.output<typeof maintenanceWindowSchema>;
export type ReceiverConfig = z.output<typeof receiverSchema>;
