// The same key twice: systemd and etcd's YAML reader both keep the last value, silently.
import type { Entry } from '../document';
import type { LintDiagnostic } from '../types';
import { clip, defineRule, fix, removeLines } from './helpers';

// Entries of unchanged lines are the same objects from one run to the next: keep their finding too, so a
// keystroke costs one map lookup per entry here (the winners come from the context's per-key map).
const cache = new WeakMap<Entry, { winner: Entry; finding: LintDiagnostic }>();

export const duplicateKey = defineRule('duplicate-key', (doc, ctx, { lazyFinding, room, more }) => {
  if (!ctx.anyRepeated) return [];
  const out: LintDiagnostic[] = [];
  // A generated file repeats its keys on every line: past what the run lists, the findings are only counted.
  const listed = room(ctx);
  let past = 0;
  let firstPast: Entry | undefined;
  for (const e of doc.entries) {
    const winner = ctx.winner(e);
    if (winner === e) continue;
    if (out.length >= listed) {
      firstPast ??= e;
      past++;
      continue;
    }
    const hit = cache.get(e);
    if (hit && hit.winner === winner) {
      out.push(hit.finding);
      continue;
    }
    const line = doc.lines[e.range.start.line] ?? '';
    // Built when read: a generated file repeating its keys has a finding on nearly every line, and only the
    // first ones per rule are listed.
    const d = lazyFinding('warning', e.keyRange, () => ({
      message: `${clip(e.key)} is set again on line ${winner.keyRange.start.line + 1}: the last value wins, so "${clip(winner.value ?? '')}" is used and this one is ignored.`,
      fixes: fix('Remove this ignored line', true, removeLines(e, line)),
    }));
    cache.set(e, { winner, finding: d });
    out.push(d);
  }
  if (firstPast) more(ctx, 'warning', firstPast.keyRange, past);
  return out;
});
