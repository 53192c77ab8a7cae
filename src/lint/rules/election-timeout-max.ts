// election-timeout-max (Error): election-timeout above 50000 ms.
import { fix, refuses, defineRule } from './helpers';

export const electionTimeoutMax = defineRule('election-timeout-max', (_doc, ctx, { finding }) => {
  const e = ctx.int('election-timeout');
  const entry = ctx.get('election-timeout');
  if (e === undefined || !entry || e <= 50000) return [];
  const h = ctx.int('heartbeat-interval');
  const fixes =
    h !== undefined && h > 0 && h * 10 <= 50000
      ? fix(`Set election timeout to ${h * 10} ms (10 x heartbeat)`, false, ctx.setValue('election-timeout', String(h * 10)))
      : undefined;
  return [
    finding('error', refuses(`--election-timeout[${e}ms] is too long, and should be set less than 50000ms`), entry.valueRange, fixes),
  ];
});
