// bcrypt-cost (Warning): bcrypt-cost outside 4..31.
import { finding, type Rule } from './helpers';

export const bcryptCost: Rule = {
  id: 'bcrypt-cost',
  check(_doc, ctx) {
    const e = ctx.get('bcrypt-cost');
    const v = ctx.int('bcrypt-cost');
    if (!e || v === undefined || (v >= 4 && v <= 31)) return [];
    return [finding('bcrypt-cost', 'warning', `bcrypt-cost ${v} is outside 4..31: etcd warns and uses the default (10).`, e.valueRange)];
  },
};
