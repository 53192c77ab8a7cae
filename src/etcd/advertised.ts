// Which of a member's advertised client URLs the inspector may talk to. The member list is data from the
// cluster, not from the user: a member (misconfigured, or compromised) can advertise any URL. Following it
// blindly, as `etcdctl --cluster` does, sends the user's password over plain http when an https cluster
// has a member advertising http://. Discovered URLs are therefore used only with the scheme of the
// endpoints the user gave; anything else is reported on that member and never contacted.
import { clip } from '../shared/text';

/** Why an advertised client URL is not used, or null when it may be probed. */
export type AdvertisedUrlProblem = string | null;

/** The scheme discovered URLs must have: https when any given endpoint is https (TLS is never left), else http. */
export function requiredScheme(givenEndpoints: readonly string[]): 'http:' | 'https:' {
  return givenEndpoints.some((e) => e.startsWith('https:')) ? 'https:' : 'http:';
}

/**
 * Checks one URL from the member list against the endpoints the user gave. The sentence returned names the
 * URL and says why it is not used; the URL is member-controlled text, shown by the UIs as untrusted text.
 */
export function advertisedUrlProblem(url: string, givenEndpoints: readonly string[]): AdvertisedUrlProblem {
  if (givenEndpoints.includes(url)) return null;
  const scheme = requiredScheme(givenEndpoints);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `advertises a client URL that is not a valid URL (${clip(url)}): not used`;
  }
  if (parsed.username || parsed.password) return `advertises a client URL with credentials in it (${redactUserinfo(url)}): not used`;
  if (parsed.protocol === 'unix:' || parsed.protocol === 'unixs:')
    return `advertises a unix socket (${clip(url)}), which cannot be reached from here: not used`;
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return `advertises a client URL with an unknown scheme (${clip(url)}): not used`;
  if ((parsed.pathname !== '/' && parsed.pathname !== '') || parsed.search || parsed.hash)
    return `advertises a client URL with a path (${clip(url)}), which etcd does not serve: not used`;
  if (parsed.protocol !== scheme) {
    return scheme === 'https:'
      ? `advertises ${clip(url)} over plain http while the cluster was given over https: not contacted, so that credentials and data never leave TLS`
      : `advertises ${clip(url)} over https while the endpoints given are plain http: not contacted (no TLS settings were given for it); add it to the endpoints with its CA to inspect it`;
  }
  return null;
}

/** `scheme://user:***@host` for display: never echo a password found in a URL. */
export function redactUserinfo(url: string): string {
  return clip(
    url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*)@/i, (_, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      return `${scheme}${colon < 0 ? userinfo : `${userinfo.slice(0, colon)}:***`}@`;
    }),
  );
}
