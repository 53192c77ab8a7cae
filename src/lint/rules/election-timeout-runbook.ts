// election-timeout-runbook (Warning): election-timeout below 10 x heartbeat-interval (the runbook rule, step
// 8).
import { where, timingFixes, defineRule } from './helpers';

export const electionTimeoutRunbook = defineRule('election-timeout-runbook', (doc, ctx, { finding }) => {
  const h = ctx.int('heartbeat-interval');
  const e = ctx.int('election-timeout');
  if (h === undefined || e === undefined || h === 0 || e === 0 || e < 5 * h || e >= 10 * h) return [];
  if (!ctx.get('heartbeat-interval') && !ctx.get('election-timeout')) return [];
  const at = ctx.get('election-timeout') ?? ctx.get('heartbeat-interval');
  return [
    finding(
      'warning',
      `Election timeout ${e} ms is less than 10 x the heartbeat interval (${h} ms): etcd accepts it, but the runbook's rule is election timeout >= 10 x heartbeat, or members start elections on ordinary network jitter.`,
      at?.valueRange ?? where(at, doc),
      timingFixes(ctx, h, e),
    ),
  ];
});
