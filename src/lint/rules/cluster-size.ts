// cluster-size (Warning): An even member count, or more than 7 members.
import { clusterUsable, defineRule } from './helpers';

export const clusterSize = defineRule('cluster-size', (_doc, ctx, { finding }) => {
  const ic = ctx.get('initial-cluster');
  if (!ic || !clusterUsable(ctx)) return [];
  const n = new Set(ctx.cluster().members.map((m) => m.name.trim())).size;
  if (n > 7)
    return [
      finding(
        'warning',
        `${n} members: etcd recommends at most 7 (5 is the usual production size); more members slow every write without adding useful fault tolerance.`,
        ic.keyRange,
      ),
    ];
  // A member joining a running cluster lists the membership as it is at that moment: the cluster's size is set
  // by member add/remove, and it is even only on the way (a learner added before a dead member is removed).
  if (n >= 2 && n % 2 === 0 && ctx.value('initial-cluster-state') !== 'existing')
    return [
      finding(
        'warning',
        `${n} members is an even cluster size: it tolerates no more failures than ${n - 1} members (quorum is ${n / 2 + 1}). Use an odd number of members.`,
        ic.keyRange,
      ),
    ];
  return [];
});
