// compaction-retention (Error): auto-compaction-retention that is neither a number nor (periodic mode) a
// duration.
import { clip, refuses, defineRule } from './helpers';
import { parseGoDuration } from '../values';

export const compactionRetention = defineRule('compaction-retention', (_doc, ctx, { finding }) => {
  const e = ctx.get('auto-compaction-retention');
  const v = ctx.value('auto-compaction-retention');
  if (!e || v === undefined || v === '') return [];
  const mode = ctx.valueOrDefault('auto-compaction-mode');
  if (/^\d+$/.test(v)) return [];
  if (mode === 'periodic' && parseGoDuration(v) !== undefined) return [];
  const hint =
    mode === 'revision' ? 'In revision mode the retention is a number of revisions' : 'Use a number of hours or a Go duration such as 30m';
  return [finding('error', refuses(`error parsing CompactionRetention: invalid value "${clip(v)}"`, hint), e.valueRange)];
});
