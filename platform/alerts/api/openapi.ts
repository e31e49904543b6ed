/** The OpenAPI description of the alert pipeline's routes: ingest, incidents, deliveries, silences, on-call. */
import { z } from 'zod';
import type { ApiOperation, OpenApiRegistry } from '../../http/openapi.ts';
import { escalationPolicySchema, scheduleSchema, userSchema } from '../config/schema.ts';
import { alertmanagerWebhook } from '../ingest/alertmanager.ts';
import { batch, genericAlert } from '../ingest/generic.ts';
import { silenceInput } from '../stages/silence.ts';
import { idParam, listQuery, mergeBody, reassignBody, snoozeBody, splitBody } from './incident-routes.ts';

const labels = z.record(z.string(), z.string());
const incidentAlert = z.looseObject({
  fingerprint: z.string(),
  status: z.enum(['firing', 'resolved']),
  labels,
  annotations: labels,
  startsAt: z.string(),
  runbookUrl: z.string().nullable(),
  dashboardUrl: z.string().nullable(),
  traceIds: z.array(z.string()),
});
/** An incident as the store shows it (store/incidents.ts IncidentView); more fields may follow. */
export const incidentSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  title: z.string(),
  severity: z.string(),
  priority: z.number(),
  assignee: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  resolvedAt: z.string().nullable(),
  snoozedUntil: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  alertCount: z.number(),
  alerts: z.array(incidentAlert),
});
const delivery = z.looseObject({ status: z.string() });
export const silenceSchema = z.object({
  id: z.string(),
  matchers: z.array(z.string()),
  startsAt: z.string(),
  endsAt: z.string(),
  createdBy: z.string(),
  comment: z.string(),
  state: z.enum(['pending', 'active', 'expired']),
});

const incidentId = z.object({ id: idParam });
const silenceId = z.object({ id: z.uuid() });
const entityId = z.object({ id: z.string().describe('letters, digits, _ . : - (at most 64)') });
const invalid = { 400: { description: 'invalid request' } };
const missing = { 404: { description: 'not found' } };

const incidentAction = (name: string, summary: string, body?: z.ZodType): ApiOperation => ({
  method: 'post',
  path: `/incidents/{id}/${name}`,
  summary,
  tags: ['incidents'],
  params: incidentId,
  ...(body === undefined ? {} : { body }),
  responses: {
    200: {
      description: 'the incident after the action',
      schema: incidentSchema.extend({ splitTo: z.string().optional() }),
    },
    ...invalid,
    ...missing,
    409: { description: 'the incident is already resolved' },
  },
});

const directory = (path: 'users' | 'schedules' | 'policies', schema: z.ZodType): ApiOperation[] => [
  {
    method: 'get',
    path: `/oncall/${path}`,
    summary: `On-call ${path}`,
    tags: ['oncall'],
    responses: { 200: { description: path, schema: z.object({ [path]: z.array(schema) }) } },
  },
  {
    method: 'put',
    path: `/oncall/${path}/{id}`,
    summary: `Creates or replaces one of the on-call ${path}`,
    tags: ['oncall'],
    params: entityId,
    body: schema,
    responses: { 200: { description: 'saved', schema }, ...invalid },
  },
  {
    method: 'delete',
    path: `/oncall/${path}/{id}`,
    summary: `Deletes one of the on-call ${path}`,
    tags: ['oncall'],
    params: entityId,
    responses: { 204: { description: 'deleted' }, ...missing },
  },
];

export const alertOperations: readonly ApiOperation[] = [
  {
    method: 'post',
    path: '/alerts',
    summary: 'Ingests one alert or a batch ({ source, alerts })',
    tags: ['alerts'],
    body: z.union([genericAlert, batch]),
    responses: {
      202: {
        description: 'accepted: published on the backbone',
        schema: z.object({ accepted: z.number(), fingerprints: z.array(z.string()) }),
      },
      ...invalid,
    },
  },
  {
    method: 'post',
    path: '/alerts/alertmanager',
    summary: "Ingests Alertmanager's webhook payload",
    tags: ['alerts'],
    body: alertmanagerWebhook,
    responses: { 202: { description: 'accepted', schema: z.object({ accepted: z.number() }) }, ...invalid },
  },
  {
    method: 'get',
    path: '/alerts/deliveries',
    summary: 'Notification deliveries: counts by status and the last 200',
    tags: ['alerts'],
    responses: {
      200: {
        description: 'deliveries',
        schema: z.object({ counts: z.record(z.string(), z.number()), deliveries: z.array(delivery) }),
      },
    },
  },
  {
    method: 'get',
    path: '/incidents',
    summary: 'Incidents, newest first',
    tags: ['incidents'],
    query: listQuery,
    responses: {
      200: { description: 'incidents', schema: z.object({ incidents: z.array(incidentSchema) }) },
      ...invalid,
    },
  },
  {
    method: 'get',
    path: '/incidents/{id}',
    summary: 'One incident with its alerts and its delivery log',
    tags: ['incidents'],
    params: incidentId,
    responses: {
      200: { description: 'the incident', schema: incidentSchema.extend({ deliveries: z.array(delivery) }) },
      ...missing,
    },
  },
  incidentAction('acknowledge', 'Acknowledges an incident (stops its escalation)'),
  incidentAction('resolve', 'Resolves an incident'),
  incidentAction('snooze', 'Snoozes an incident for some minutes or until a time', snoozeBody),
  incidentAction('reassign', 'Reassigns an incident to another user', reassignBody),
  incidentAction('merge', 'Merges another incident into this one', mergeBody),
  incidentAction('split', 'Moves alerts (by fingerprint) out into a new incident', splitBody),
  {
    method: 'get',
    path: '/silences',
    summary: 'Silences',
    tags: ['silences'],
    responses: { 200: { description: 'silences', schema: z.object({ silences: z.array(silenceSchema) }) } },
  },
  {
    method: 'post',
    path: '/silences',
    summary: 'Creates a silence',
    tags: ['silences'],
    body: silenceInput,
    responses: { 201: { description: 'created', schema: silenceSchema }, ...invalid },
  },
  {
    method: 'get',
    path: '/silences/{id}',
    summary: 'One silence',
    tags: ['silences'],
    params: silenceId,
    responses: { 200: { description: 'the silence', schema: silenceSchema }, ...missing },
  },
  {
    method: 'put',
    path: '/silences/{id}',
    summary: 'Replaces a silence',
    tags: ['silences'],
    params: silenceId,
    body: silenceInput,
    responses: { 200: { description: 'saved', schema: silenceSchema }, ...invalid, ...missing },
  },
  {
    method: 'delete',
    path: '/silences/{id}',
    summary: 'Expires a silence',
    tags: ['silences'],
    params: silenceId,
    responses: { 200: { description: 'the expired silence', schema: silenceSchema }, ...missing },
  },
  ...directory('users', userSchema),
  ...directory('schedules', scheduleSchema),
  ...directory('policies', escalationPolicySchema),
  {
    method: 'get',
    path: '/oncall/schedules/{id}/now',
    summary: 'Who is on call now on a schedule',
    tags: ['oncall'],
    params: entityId,
    responses: {
      200: {
        description: 'the user on call (null: nobody)',
        schema: z.object({ schedule: z.string(), at: z.string(), user: z.string().nullable() }),
      },
      ...missing,
    },
  },
];

export function describeAlertRoutes(registry: OpenApiRegistry): void {
  for (const operation of alertOperations) registry.add(operation);
}
