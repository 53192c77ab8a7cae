// election-timeout-ratio (Error): election-timeout below 5 x heartbeat-interval; fixes set 10 x.
import { refuses, where, timingFixes, defineRule } from './helpers';

export const electionTimeoutRatio = defineRule('election-timeout-ratio', (doc, ctx, { finding }) => {
  const h = ctx.int('heartbeat-interval');
  const e = ctx.int('election-timeout');
  if (h === undefined || e === undefined || h === 0 || e === 0 || 5 * h <= e) return [];
  if (!ctx.get('heartbeat-interval') && !ctx.get('election-timeout')) return [];
  const at = ctx.get('election-timeout') ?? ctx.get('heartbeat-interval');
  return [
    finding(
      'error',
      refuses(`--election-timeout[${e}ms] should be at least as 5 times as --heartbeat-interval[${h}ms]`),
      at?.valueRange ?? where(at, doc),
      timingFixes(ctx, h, e),
    ),
  ];
});
