// request-too-large (Warning): max-request-bytes above 10 MiB.
import { finding, type Rule } from './helpers';

export const requestTooLarge: Rule = {
  id: 'request-too-large',
  check(_doc, ctx) {
    const e = ctx.get('max-request-bytes');
    const q = ctx.int('max-request-bytes');
    if (!e || q === undefined || q <= 10 * 1024 * 1024) return [];
    return [
      finding(
        'request-too-large',
        'warning',
        `max-request-bytes ${q} is above 10 MiB: etcd warns "exceeded recommended request limit"; large requests delay heartbeats and can trigger elections.`,
        e.valueRange,
      ),
    ];
  },
};
