// bind-ip (Error): A listen URL whose host is not an IP or localhost.
import { clip, finding, refuses, LISTEN_FLAGS, explicitUrls, type Rule } from './helpers';
import { type LintDiagnostic } from '../types';
import { isIpLiteral } from '../values';

export const bindIp: Rule = {
  id: 'bind-ip',
  check(_doc, ctx) {
    const out: LintDiagnostic[] = [];
    for (const flag of LISTEN_FLAGS) {
      const found = explicitUrls(ctx, flag);
      if (!found) continue;
      for (const u of found.items) {
        if (!u.parsed || u.parsed.scheme.startsWith('unix')) continue;
        const h = u.parsed.host;
        if (h === 'localhost' || isIpLiteral(h)) continue;
        out.push(
          finding(
            'bind-ip',
            'error',
            refuses(
              `expected IP in URL for binding (${clip(u.text)})`,
              'Listen URLs take an IP address (or 0.0.0.0 / localhost); host names belong in the advertise URLs',
            ),
            ctx.rangeIn(found.entry, u.offset, u.text.length),
          ),
        );
      }
    }
    return out;
  },
};
