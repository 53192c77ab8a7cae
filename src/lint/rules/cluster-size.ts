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
  if (n >= 2 && n % 2 === 0)
    return [
      finding(
        'warning',
        `${n} members is an even cluster size: it tolerates no more failures than ${n - 1} members (quorum is ${n / 2 + 1}). Use an odd number of members.`,
        ic.keyRange,
      ),
    ];
  return [];
});
