// bootstrap-conflict (Error): More than one of initial-cluster, discovery, discovery-srv.
import { refuses, defineRule } from './helpers';

export const bootstrapConflict = defineRule('bootstrap-conflict', (_doc, ctx, { finding }) => {
  const flags = ['initial-cluster', 'discovery', 'discovery-srv', ...(ctx.version === '3.6' ? ['discovery-endpoints'] : [])];
  const set = flags.filter((f) => ctx.isSet(f));
  if (set.length < 2) return [];
  return set
    .slice(1)
    .map((f) =>
      finding(
        'error',
        refuses(
          'multiple discovery or bootstrap flags are set. Choose one of "initial-cluster", "discovery" or "discovery-srv"',
          `Both ${set.map((x) => ctx.keyName(x)).join(' and ')} are set`,
        ),
        ctx.get(f)?.keyRange ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      ),
    );
});
