// Raft timing: etcd refuses heartbeat or election timeout 0, an election timeout below 5x the heartbeat
// and one above 50000 ms; the runbook (step 8) asks for at least 10x the heartbeat.
import type { RuleContext } from '../context';
import type { LintFix } from '../types';
import { finding, fix, refuses, where, type Rule } from './rule';

function timingFixes(ctx: RuleContext, heartbeat: number, election: number): LintFix[] {
  const out: LintFix[] = [];
  if (heartbeat * 10 <= 50000)
    out.push(
      ...fix(
        `Set election timeout to ${heartbeat * 10} ms (10 x heartbeat)`,
        true,
        ctx.setValue('election-timeout', String(heartbeat * 10)),
      ),
    );
  const hb = Math.floor(election / 10);
  if (hb > 0)
    out.push(...fix(`Set heartbeat interval to ${hb} ms (election timeout / 10)`, false, ctx.setValue('heartbeat-interval', String(hb))));
  return out;
}

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

export const electionTimeoutRunbook: Rule = {
  id: 'election-timeout-runbook',
  check(doc, ctx) {
    const h = ctx.int('heartbeat-interval');
    const e = ctx.int('election-timeout');
    if (h === undefined || e === undefined || h === 0 || e === 0 || e < 5 * h || e >= 10 * h) return [];
    if (!ctx.get('heartbeat-interval') && !ctx.get('election-timeout')) return [];
    const at = ctx.get('election-timeout') ?? ctx.get('heartbeat-interval');
    return [
      finding(
        'election-timeout-runbook',
        'warning',
        `Election timeout ${e} ms is less than 10 x the heartbeat interval (${h} ms): etcd accepts it, but the runbook's rule is election timeout >= 10 x heartbeat, or members start elections on ordinary network jitter.`,
        at?.valueRange ?? where(at, doc),
        timingFixes(ctx, h, e),
      ),
    ];
  },
};

export const electionTimeoutMax: Rule = {
  id: 'election-timeout-max',
  check(_doc, ctx) {
    const e = ctx.int('election-timeout');
    const entry = ctx.get('election-timeout');
    if (e === undefined || !entry || e <= 50000) return [];
    const h = ctx.int('heartbeat-interval');
    const fixes =
      h !== undefined && h > 0 && h * 10 <= 50000
        ? fix(`Set election timeout to ${h * 10} ms (10 x heartbeat)`, false, ctx.setValue('election-timeout', String(h * 10)))
        : undefined;
    return [
      finding(
        'election-timeout-max',
        'error',
        refuses(`--election-timeout[${e}ms] is too long, and should be set less than 50000ms`),
        entry.valueRange,
        fixes,
      ),
    ];
  },
};
