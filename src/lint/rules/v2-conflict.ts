// v2-conflict (Error): 3.5: enable-v2 with v2-deprecation at write-only or later.
import { clip, refuses, defineRule } from './helpers';

export const v2Conflict = defineRule('v2-conflict', (_doc, ctx, { finding }) => {
  if (ctx.version !== '3.5' || ctx.bool('enable-v2') !== true) return [];
  const dep = ctx.valueOrDefault('v2-deprecation') || 'not-yet';
  if (dep === 'not-yet') return [];
  const e = ctx.get('enable-v2');
  return e ? [finding('error', refuses(`invalid value for --v2-deprecation=${clip(dep)}: --enable-v2 cannot be set`), e.keyRange)] : [];
});
