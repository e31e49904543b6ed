import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';

const b64 = (bytes: Uint8Array): string => isoBase64URL.fromBuffer(new Uint8Array(bytes));
const sha256 = (data: Uint8Array | string): Buffer => createHash('sha256').update(data).digest();

/**
 * A software WebAuthn authenticator for tests: one ES256 credential, answering the server's options with the JSON a
 * browser's `navigator.credentials` would give (attestation "none"). What it signs can be tampered with per call, so
 * tests reach every rejection path of the server's verification.
 */
export class SoftAuthenticator {
  readonly credentialId = randomBytes(32);
  readonly #privateKey: KeyObject;
  readonly #cosePublicKey: Uint8Array;
  counter = 0;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.#privateKey = privateKey;
    const jwk = publicKey.export({ format: 'jwk' });
    this.#cosePublicKey = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, new Uint8Array(Buffer.from(jwk.x ?? '', 'base64url'))],
        [-3, new Uint8Array(Buffer.from(jwk.y ?? '', 'base64url'))],
      ]),
    );
  }

  get id(): string {
    return b64(this.credentialId);
  }

  /** The registration response to `options` (from generateRegistrationOptions) for a page at `origin`. */
  register(options: { challenge: string; rp: { id?: string } }, origin: string, tamper: Tamper = {}): unknown {
    const clientData = this.#clientData('webauthn.create', options.challenge, origin, tamper);
    const authData = Buffer.concat([
      this.#authDataHead(tamper.rpId ?? options.rp.id ?? '', 0x45), // user present, verified, attested data
      Buffer.alloc(16), // AAGUID
      Buffer.from([0, this.credentialId.length]),
      this.credentialId,
      this.#cosePublicKey,
    ]);
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Uint8Array | Map<string, string>>([
        ['fmt', 'none'],
        ['attStmt', new Map<string, string>()],
        ['authData', new Uint8Array(authData)],
      ]),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64(clientData),
        attestationObject: b64(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
    };
  }

  /** The sign-in response to `options` (from generateAuthenticationOptions); the counter goes up unless told. */
  authenticate(options: { challenge: string; rpId?: string }, origin: string, tamper: Tamper = {}): unknown {
    if (tamper.counter === undefined) this.counter += 1;
    const clientData = this.#clientData('webauthn.get', options.challenge, origin, tamper);
    const authData = this.#authDataHead(tamper.rpId ?? options.rpId ?? '', 0x05, tamper.counter);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), this.#privateKey);
    return this.#credential({
      clientDataJSON: b64(clientData),
      authenticatorData: b64(authData),
      signature: b64(tamper.badSignature === true ? randomBytes(signature.length) : signature),
    });
  }

  /** The PublicKeyCredential JSON around an authenticator's response. */
  #credential(response: Record<string, unknown>): unknown {
    return { id: this.id, rawId: this.id, type: 'public-key', response, clientExtensionResults: {} };
  }

  #clientData(type: string, challenge: string, origin: string, tamper: Tamper): Buffer {
    return Buffer.from(
      JSON.stringify({
        type,
        challenge: tamper.challenge ?? challenge,
        origin: tamper.origin ?? origin,
        crossOrigin: false,
      }),
    );
  }

  #authDataHead(rpId: string, flags: number, counter = this.counter): Buffer {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    return Buffer.concat([sha256(rpId), Buffer.from([flags]), count]);
  }
}

/** What a test makes the authenticator get wrong. */
export interface Tamper {
  readonly challenge?: string;
  readonly origin?: string;
  readonly rpId?: string;
  /** Sign with this counter (a cloned authenticator replaying an old one) instead of the next. */
  readonly counter?: number;
  readonly badSignature?: boolean;
}

/**
 * A test platform's address (http://127.0.0.1:PORT) as browsers must open it for WebAuthn: a relying party ID is a
 * domain name, never an IP address, so the same port at `localhost` (a secure context, like the loopback address).
 */
export function atLocalhost(url: string): string {
  const local = new URL(url);
  local.hostname = 'localhost';
  return local.origin;
}
