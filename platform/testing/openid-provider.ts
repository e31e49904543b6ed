import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** The client the test provider knows, and the environment that points a platform at it. */
export const TEST_OIDC_CLIENT = { id: 'insitechart', secret: 'a-client-secret-for-the-test-provider' } as const;

/**
 * A real OpenID provider (oidc-provider) on a loopback port for tests: its development login page accepts any
 * password for any login, and the accounts' claims are `preferred_username`, `email` and `groups` (from `groups`).
 * The HTTP server listens first so that the platform can be configured with the issuer; `serve` then installs the
 * provider with the platform's callback URL.
 */
export class TestOidcProvider {
  readonly issuer: string;
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
    this.issuer = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  }

  static async listen(): Promise<TestOidcProvider> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new TestOidcProvider(server);
  }

  /** The OIDC_* settings for a platform signing in through this provider (groups `ic-sre` -> sre). */
  env(): Record<string, string> {
    return {
      OIDC_ISSUER: this.issuer,
      OIDC_CLIENT_ID: TEST_OIDC_CLIENT.id,
      OIDC_CLIENT_SECRET: TEST_OIDC_CLIENT.secret,
      OIDC_ROLE_CLAIM: 'groups',
      OIDC_ROLE_MAP: 'ic-sre=sre,ic-admins=admin',
    };
  }

  /** Starts answering, for a platform at `platformUrl`, with `groups[login]` as each account's groups claim. */
  serve(platformUrl: string, groups: Readonly<Record<string, readonly string[]>>): void {
    const provider = new Provider(this.issuer, {
      clients: [
        {
          client_id: TEST_OIDC_CLIENT.id,
          client_secret: TEST_OIDC_CLIENT.secret,
          redirect_uris: [`${platformUrl}/api/identity/oidc/callback`],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
      findAccount: (_ctx: unknown, id: string) => ({
        accountId: id,
        claims: () => ({ sub: `sub-${id}`, preferred_username: id, email: `${id}@corp.example`, groups: groups[id] }),
      }),
      claims: { openid: ['sub'], profile: ['preferred_username'], email: ['email'], groups: ['groups'] },
      pkce: { required: () => true },
      features: { devInteractions: { enabled: true } },
      cookies: { keys: ['a-cookie-key-for-the-test-provider'] },
    });
    this.#server.on('request', provider.callback());
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}
