// timeouts-positive (Error): heartbeat-interval or election-timeout is 0.
import { finding, refuses, where, type Rule } from './helpers';

export const timeoutsPositive: Rule = {
  id: 'timeouts-positive',
  check(doc, ctx) {
    const out = [];
    for (const flag of ['heartbeat-interval', 'election-timeout']) {
      if (ctx.int(flag) === 0 && ctx.get(flag))
        out.push(
          finding(
            'timeouts-positive',
            'error',
            refuses(`--${flag} must be >0 (set to 0ms)`),
            ctx.get(flag)?.valueRange ?? where(undefined, doc),
          ),
        );
    }
    return out;
  },
};
