// initial-cluster-duplicate-url (Error): The same peer URL twice in initial-cluster.
import { clip, refuses, clusterUsable, defineRule } from './helpers';
import { type LintDiagnostic } from '../types';
import { type ClusterMember } from '../values';

export const initialClusterDuplicateUrl = defineRule('initial-cluster-duplicate-url', (_doc, ctx, { finding }) => {
  const ic = ctx.get('initial-cluster');
  if (!ic || !clusterUsable(ctx)) return [];
  const seen = new Map<string, ClusterMember>();
  const out: LintDiagnostic[] = [];
  for (const m of ctx.cluster().members) {
    const first = seen.get(m.url);
    if (first) {
      out.push(
        finding(
          'error',
          refuses(
            `initial cluster ${clip(ic.value ?? '')} has duplicate url`,
            `${clip(m.url)} is listed for "${clip(first.name)}" and again for "${clip(m.name)}"`,
          ),
          ctx.rangeIn(ic, m.offset, m.length),
        ),
      );
    } else seen.set(m.url, m);
  }
  return out;
});
