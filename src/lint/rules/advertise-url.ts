// advertise-url (Error (empty host) / Warning (wildcard) / Information (loopback only)): Advertised URLs
// others cannot use.
import { clip, finding, refuses, ADVERTISE_FLAGS, explicitUrls, type Rule } from './helpers';
import { type LintDiagnostic } from '../types';

export const advertiseUrl: Rule = {
  id: 'advertise-url',
  check(_doc, ctx) {
    const out: LintDiagnostic[] = [];
    for (const flag of ADVERTISE_FLAGS) {
      const found = explicitUrls(ctx, flag);
      if (!found) continue;
      for (const u of found.items) {
        if (!u.parsed || u.parsed.scheme.startsWith('unix')) continue;
        const range = ctx.rangeIn(found.entry, u.offset, u.text.length);
        const h = u.parsed.host;
        if (h === '') {
          out.push(
            finding('advertise-url', 'error', refuses(`--${flag} "${clip(u.text)}" must be "host:port" (unexpected empty host)`), range),
          );
        } else if (h === '0.0.0.0' || h === '::') {
          out.push(
            finding(
              'advertise-url',
              'warning',
              `${clip(u.text)} is a wildcard address: other members and clients cannot connect to it. Advertise this member's real address.`,
              range,
            ),
          );
        } else if (
          flag === 'advertise-client-urls' &&
          (h === 'localhost' || h.startsWith('127.') || h === '::1') &&
          found.items.length === 1
        ) {
          out.push(
            finding(
              'advertise-url',
              'information',
              `Only ${clip(u.text)} is advertised to clients: remote clients (and etcdctl --cluster) will not reach this member.`,
              range,
            ),
          );
        }
      }
    }
    return out;
  },
};
