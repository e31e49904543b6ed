/** The OpenAPI description of /api/identity (routes.ts, data-routes.ts, passkey-routes.ts, oidc-routes.ts). */
import { z } from 'zod';
import type { ApiOperation, OpenApiRegistry } from '../http/openapi.ts';
import { eraseBody } from './data-routes.ts';
import { authenticationBody, credentialId, registrationBody } from './passkey-routes.ts';
import { roles } from './permissions.ts';
import { passwordBody, signInBody, tokenBody, tokenId, userBody } from './routes.ts';
import { userName } from './users.ts';

const role = z.enum(roles);
/** routes.ts describe(): who the request is. */
const me = z.object({
  kind: z.string(),
  name: z.string(),
  role: role.nullable(),
  actor: z.string(),
  permissions: z.array(z.string()),
  mustChangePassword: z.boolean(),
  publicMarketData: z.boolean(),
  oidc: z.boolean(),
  csrf: z.string().optional(),
});
/** users.ts User. */
const user = z.object({ name: z.string(), role, mustChangePassword: z.boolean(), createdAt: z.string() });
/** tokens.ts ApiToken. */
const token = z.object({
  id: z.string(),
  name: z.string(),
  role,
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
/** gdpr.ts PersonalData.export(). */
const dataExport = z.looseObject({
  subject: z.string(),
  exportedAt: z.string(),
  account: user,
  sessions: z.array(z.unknown()),
  passkeys: z.array(z.unknown()),
  auditTrail: z.array(z.unknown()),
  services: z.record(z.string(), z.unknown()),
});
/** @simplewebauthn/server's options JSON, passed to navigator.credentials; described by its top level. */
const ceremonyOptions = z.looseObject({ challenge: z.string(), timeout: z.number().optional() });

export const identityResponses = {
  me,
  users: z.object({ users: z.array(user) }),
  tokens: z.object({ tokens: z.array(token) }),
  passkeys: z.object({ passkeys: z.array(z.object({ id: z.string(), user: z.string(), createdAt: z.string() })) }),
  data: dataExport,
};
const tags = ['identity'];
const invalid = { 400: { description: 'invalid request' } };
const name = z.object({ name: userName });
const signedIn = (summary: string): ApiOperation['responses'] => ({
  200: { description: `${summary}; the session cookie is set`, schema: me },
  ...invalid,
});

export const identityOperations: readonly ApiOperation[] = [
  {
    method: 'get',
    path: '/identity/me',
    summary: 'Who the request is, with its permissions',
    tags,
    responses: { 200: { description: 'the principal', schema: me } },
  },
  {
    method: 'post',
    path: '/identity/session',
    summary: 'Signs in with name and password',
    tags,
    body: signInBody,
    responses: {
      ...signedIn('signed in'),
      401: { description: 'wrong name or password' },
      429: { description: 'too many failed sign-ins (Retry-After)' },
    },
  },
  {
    method: 'delete',
    path: '/identity/session',
    summary: 'Signs out (the session cookie is cleared)',
    tags,
    responses: { 204: { description: 'signed out' } },
  },
  {
    method: 'post',
    path: '/identity/password',
    summary: 'Changes your password (your other sessions end)',
    tags,
    body: passwordBody,
    responses: { ...signedIn('changed'), 403: { description: 'the current password is wrong' } },
  },
  {
    method: 'get',
    path: '/identity/users',
    summary: 'Users',
    tags,
    responses: { 200: { description: 'users', schema: identityResponses.users } },
  },
  {
    method: 'put',
    path: '/identity/users/{name}',
    summary: 'Creates (201) or updates a user; a new password must be changed at first sign-in',
    tags,
    params: name,
    body: userBody,
    responses: { 200: { description: 'updated', schema: user }, 201: { description: 'created', schema: user } },
  },
  {
    method: 'delete',
    path: '/identity/users/{name}',
    summary: 'Erases a user (GDPR: their data goes, audit entries are pseudonymised)',
    tags,
    params: name,
    responses: { 204: { description: 'erased' }, 404: { description: 'no such user' } },
  },
  {
    method: 'get',
    path: '/identity/users/{name}/data',
    summary: 'Exports everything kept about a user (GDPR), as an attachment',
    tags,
    params: name,
    responses: { 200: { description: 'the export', schema: dataExport }, 404: { description: 'no such user' } },
  },
  {
    method: 'get',
    path: '/identity/me/data',
    summary: 'Exports everything kept about you (GDPR), as an attachment',
    tags,
    responses: { 200: { description: 'the export', schema: dataExport }, ...invalid },
  },
  {
    method: 'post',
    path: '/identity/me/erase',
    summary: 'Erases your account and data (GDPR), confirmed with your password',
    tags,
    body: eraseBody,
    responses: {
      200: {
        description: 'erased (gdpr.ts Erasure)',
        schema: z.object({
          pseudonym: z.string(),
          deleted: z.record(z.string(), z.number()),
          auditPseudonymised: z.number(),
        }),
      },
      ...invalid,
      403: { description: 'the password is wrong' },
      409: { description: 'the last admin cannot be erased' },
    },
  },
  {
    method: 'get',
    path: '/identity/tokens',
    summary: 'API tokens (never their secrets)',
    tags,
    responses: { 200: { description: 'tokens', schema: identityResponses.tokens } },
  },
  {
    method: 'post',
    path: '/identity/tokens',
    summary: 'Creates an API token: its secret is shown only in this answer',
    tags,
    body: tokenBody,
    responses: { 201: { description: 'created', schema: token.extend({ secret: z.string() }) }, ...invalid },
  },
  {
    method: 'delete',
    path: '/identity/tokens/{id}',
    summary: 'Revokes an API token',
    tags,
    params: z.object({ id: tokenId }),
    responses: { 204: { description: 'revoked' }, 404: { description: 'no live token' } },
  },
  {
    method: 'get',
    path: '/identity/passkeys',
    summary: 'Your passkeys',
    tags,
    responses: { 200: { description: 'passkeys', schema: identityResponses.passkeys }, ...invalid },
  },
  {
    method: 'delete',
    path: '/identity/passkeys/{id}',
    summary: 'Removes one of your passkeys',
    tags,
    params: z.object({ id: credentialId }),
    responses: { 204: { description: 'removed' }, 404: { description: 'no such passkey' } },
  },
  {
    method: 'post',
    path: '/identity/passkeys/registration/options',
    summary: 'Starts registering a passkey: options for navigator.credentials.create',
    tags,
    responses: { 200: { description: 'the options', schema: ceremonyOptions }, 409: { description: 'too many' } },
  },
  {
    method: 'post',
    path: '/identity/passkeys/registration',
    summary: "Finishes registering a passkey with the browser's answer",
    tags,
    body: registrationBody,
    responses: {
      201: { description: 'registered', schema: z.object({ id: z.string() }) },
      ...invalid,
      409: { description: 'already registered' },
    },
  },
  {
    method: 'post',
    path: '/identity/passkeys/authentication/options',
    summary: 'Starts a passkey sign-in: options for navigator.credentials.get',
    tags,
    responses: { 200: { description: 'the options', schema: ceremonyOptions } },
  },
  {
    method: 'post',
    path: '/identity/passkeys/authentication',
    summary: 'Signs in with a passkey; the session cookie is set',
    tags,
    body: authenticationBody,
    responses: {
      200: { description: 'signed in', schema: z.object({ name: z.string(), role, csrf: z.string() }) },
      ...invalid,
      401: { description: 'unknown or refused passkey' },
    },
  },
  {
    method: 'get',
    path: '/identity/oidc/start',
    summary: 'Sends the browser to the OpenID Connect provider',
    tags,
    responses: {
      302: { description: "redirect to the provider's authorization endpoint" },
      404: { description: 'OpenID Connect is not configured' },
      503: { description: 'the provider cannot be reached' },
    },
  },
  {
    method: 'get',
    path: '/identity/oidc/callback',
    summary: "The provider's answer: signs the person in and redirects to the app",
    tags,
    responses: {
      302: { description: 'signed in (session cookie set): redirect to /#/' },
      400: { description: 'the sign-in failed' },
      404: { description: 'OpenID Connect is not configured' },
    },
  },
];

export function describeIdentityRoutes(registry: OpenApiRegistry): void {
  for (const operation of identityOperations) registry.add(operation);
}
