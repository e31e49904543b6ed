/** The OpenAPI description of /api/remediations (routes.ts). */
import { z } from 'zod';
import type { ApiOperation, OpenApiRegistry } from '../../../platform/http/openapi.ts';
import { decisionBody, idParam, listQuery } from './routes.ts';

/** A remediation record (records.ts RemediationRecord) with its steps; more fields may follow. */
const record = z.looseObject({
  id: z.string(),
  policy: z.string(),
  family: z.string(),
  kind: z.string(),
  service: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  risk: z.string(),
  reason: z.string(),
  createdAt: z.number(),
  status: z.string(),
  updatedAt: z.number(),
  steps: z.array(z.looseObject({})),
});
const tags = ['remediation'];
export const remediationResponses = { list: z.object({ remediations: z.array(record) }) };
const disabled = { 503: { description: 'remediation is disabled (REMEDIATION_ENABLED=false)' } };
const decision = (verb: 'approve' | 'reject'): ApiOperation => ({
  method: 'post',
  path: `/remediations/{id}/${verb}`,
  summary: `A person's decision on a pending action: ${verb}`,
  tags,
  params: z.object({ id: idParam }),
  body: decisionBody,
  responses: {
    200: { description: 'the record after the decision', schema: record },
    400: { description: 'invalid request' },
    404: { description: 'no such remediation' },
    409: { description: 'not waiting for approval' },
    ...disabled,
  },
});

export const remediationOperations: readonly ApiOperation[] = [
  {
    method: 'get',
    path: '/remediations',
    summary: "Remediations, newest first: by status, or an incident's (its alert fingerprints)",
    tags,
    query: listQuery,
    responses: {
      200: { description: 'records', schema: remediationResponses.list },
      400: { description: 'invalid query' },
      ...disabled,
    },
  },
  {
    method: 'get',
    path: '/remediations/{id}',
    summary: 'One remediation with its steps',
    tags,
    params: z.object({ id: idParam }),
    responses: {
      200: { description: 'the record', schema: record },
      404: { description: 'no such remediation' },
      ...disabled,
    },
  },
  decision('approve'),
  decision('reject'),
];

export function describeRemediationRoutes(registry: OpenApiRegistry): void {
  for (const operation of remediationOperations) registry.add(operation);
}
