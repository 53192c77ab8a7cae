// timeouts-positive (Error): heartbeat-interval or election-timeout is 0.
import { refuses, where, defineRule } from './helpers';

export const timeoutsPositive = defineRule('timeouts-positive', (doc, ctx, { finding }) => {
  const out = [];
  for (const flag of ['heartbeat-interval', 'election-timeout']) {
    if (ctx.int(flag) === 0 && ctx.get(flag))
      out.push(finding('error', refuses(`--${flag} must be >0 (set to 0ms)`), ctx.get(flag)?.valueRange ?? where(undefined, doc)));
  }
  return out;
});
