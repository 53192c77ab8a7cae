// election-timeout-ratio (Error): election-timeout below 5 x heartbeat-interval; fixes set 10 x.
import { finding, refuses, where, timingFixes, type Rule } from './helpers';

export const electionTimeoutRatio: Rule = {
  id: 'election-timeout-ratio',
  check(doc, ctx) {
    const h = ctx.int('heartbeat-interval');
    const e = ctx.int('election-timeout');
    if (h === undefined || e === undefined || h === 0 || e === 0 || 5 * h <= e) return [];
    if (!ctx.get('heartbeat-interval') && !ctx.get('election-timeout')) return [];
    const at = ctx.get('election-timeout') ?? ctx.get('heartbeat-interval');
    return [
      finding(
        'election-timeout-ratio',
        'error',
        refuses(`--election-timeout[${e}ms] should be at least as 5 times as --heartbeat-interval[${h}ms]`),
        at?.valueRange ?? where(at, doc),
        timingFixes(ctx, h, e),
      ),
    ];
  },
};
