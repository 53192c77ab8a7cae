// One TLS context per set of TLS files, shared by every connection that uses them. Node builds a new
// OpenSSL context for each connection given `ca`, `cert` and `key` (about 2 ms each: the CA store, the key
// parsed), and a fresh `status` of a 5-member TLS cluster opens ten or more such connections (gRPC and the
// peer clocks). Contexts are keyed by the files' contents, not by their paths or by who asks: a rotated
// certificate is used by the next connection, as it was when every connection read its own.
import { createHash } from 'node:crypto';
import { createSecureContext, type SecureContext } from 'node:tls';

/** The PEM contents a connection verifies and presents with. */
export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** Contexts kept (most recently made last): a few sets of files are in use at once, one per cluster and port. */
const MAX_CONTEXTS = 16;
const contexts = new Map<string, SecureContext>();

/** The shared context of these contents; throws as tls.createSecureContext does (a key that does not match its certificate). */
export function secureContextOf(material: TlsMaterial): SecureContext {
  const hash = createHash('sha256');
  for (const part of [material.ca, material.cert, material.key]) {
    // Each part's length first, so that no two different sets hash the same text.
    hash.update(`${part?.length ?? -1}:`);
    if (part) hash.update(part);
  }
  const key = hash.digest('base64');
  let context = contexts.get(key);
  if (!context) {
    context = createSecureContext({
      ...(material.ca ? { ca: material.ca } : {}),
      ...(material.cert ? { cert: material.cert } : {}),
      ...(material.key ? { key: material.key } : {}),
    });
    contexts.set(key, context);
    if (contexts.size > MAX_CONTEXTS) contexts.delete(contexts.keys().next().value as string);
  }
  return context;
}
