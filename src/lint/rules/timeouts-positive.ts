// Raft timing: etcd refuses heartbeat or election timeout 0, an election timeout below 5x the heartbeat
// and one above 50000 ms; the runbook (step 8) asks for at least 10x the heartbeat.
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
