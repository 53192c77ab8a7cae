// request-too-large (Warning): max-request-bytes above 10 MiB.
import { defineRule } from './helpers';

export const requestTooLarge = defineRule('request-too-large', (_doc, ctx, { finding }) => {
  const e = ctx.get('max-request-bytes');
  const q = ctx.int('max-request-bytes');
  if (!e || q === undefined || q <= 10 * 1024 * 1024) return [];
  return [
    finding(
      'warning',
      `max-request-bytes ${q} is above 10 MiB: etcd warns "exceeded recommended request limit"; large requests delay heartbeats and can trigger elections.`,
      e.valueRange,
    ),
  ];
});
