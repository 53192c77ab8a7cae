// quota-too-large (Warning): quota-backend-bytes above 8 GiB.
import { fix, defineRule } from './helpers';

const GiB8 = 8 * 1024 * 1024 * 1024;

export const quotaTooLarge = defineRule('quota-too-large', (_doc, ctx, { finding }) => {
  const e = ctx.get('quota-backend-bytes');
  const q = ctx.int('quota-backend-bytes');
  if (!e || q === undefined || q <= GiB8) return [];
  return [
    finding(
      'warning',
      `quota-backend-bytes ${q} is above 8 GiB: etcd warns "quota exceeds the maximum value" — large databases make snapshots, defragmentation and member recovery slow.`,
      e.valueRange,
      fix('Set the quota to 8 GiB (8589934592)', false, ctx.setValue('quota-backend-bytes', String(GiB8))),
    ),
  ];
});
