// bcrypt-cost (Warning): bcrypt-cost outside 4..31.
import { defineRule } from './helpers';

export const bcryptCost = defineRule('bcrypt-cost', (_doc, ctx, { finding }) => {
  const e = ctx.get('bcrypt-cost');
  const v = ctx.int('bcrypt-cost');
  if (!e || v === undefined || (v >= 4 && v <= 31)) return [];
  return [finding('warning', `bcrypt-cost ${v} is outside 4..31: etcd warns and uses the default (10).`, e.valueRange)];
});
