// initial-cluster-duplicate-name (Warning): A name listed twice (that member gets several URLs).
import { clip, clusterUsable, defineRule } from './helpers';
import { type LintDiagnostic } from '../types';

export const initialClusterDuplicateName = defineRule('initial-cluster-duplicate-name', (_doc, ctx, { finding }) => {
  const ic = ctx.get('initial-cluster');
  if (!ic || !clusterUsable(ctx)) return [];
  const seen = new Set<string>();
  const out: LintDiagnostic[] = [];
  for (const m of ctx.cluster().members) {
    if (seen.has(m.name)) {
      out.push(
        finding(
          'warning',
          `"${clip(m.name)}" appears twice in initial-cluster: etcd gives that member both URLs (${clip(m.url)} is an extra peer URL), which is rarely what was meant.`,
          ctx.rangeIn(ic, m.offset, m.length),
        ),
      );
    }
    seen.add(m.name);
  }
  return out;
});
