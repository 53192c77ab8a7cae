// advertise-url (Error (empty host) / Warning (wildcard) / Information (loopback only)): Advertised URLs
// others cannot use.
import { clip, refuses, ADVERTISE_FLAGS, networkUrls, defineRule } from './helpers';
import { type LintDiagnostic } from '../types';

export const advertiseUrl = defineRule('advertise-url', (_doc, ctx, { finding }) => {
  const out: LintDiagnostic[] = [];
  for (const { flag, text, host: h, range, of } of networkUrls(ctx, ADVERTISE_FLAGS)) {
    if (h === '') {
      out.push(finding('error', refuses(`--${flag} "${clip(text)}" must be "host:port" (unexpected empty host)`), range));
    } else if (h === '0.0.0.0' || h === '::') {
      out.push(
        finding(
          'warning',
          `${clip(text)} is a wildcard address: other members and clients cannot connect to it. Advertise this member's real address.`,
          range,
        ),
      );
    } else if (flag === 'advertise-client-urls' && (h === 'localhost' || h.startsWith('127.') || h === '::1') && of === 1) {
      out.push(
        finding(
          'information',
          `Only ${clip(text)} is advertised to clients: remote clients (and etcdctl --cluster) will not reach this member.`,
          range,
        ),
      );
    }
  }
  return out;
});
