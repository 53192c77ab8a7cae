// persistent-danger (Warning): force-new-cluster or unsafe-no-fsync left in a persistent config.
import { fix, defineRule, removeLines } from './helpers';

const DANGERS = [
  {
    flag: 'force-new-cluster',
    message:
      'force-new-cluster is a one-time recovery step (runbook step 5): left in a persistent configuration it throws away the membership at every restart. Remove it once the cluster is back.',
    remove: 'Remove force-new-cluster',
  },
  {
    flag: 'unsafe-no-fsync',
    message: 'unsafe-no-fsync disables fsync: a power loss or crash can lose committed data. Use it only for throwaway test clusters.',
  },
];

export const persistentDanger = defineRule('persistent-danger', (_doc, ctx, { finding }) =>
  DANGERS.flatMap(({ flag, message, remove }) => {
    const e = ctx.get(flag);
    if (!e || ctx.bool(flag) !== true) return [];
    const fixes = remove ? fix(remove, false, removeLines(e, ctx.doc.lines[e.range.start.line] ?? '')) : undefined;
    return [finding('warning', message, e.keyRange, fixes)];
  }),
);
