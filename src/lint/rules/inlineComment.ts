// `ETCD_X=1000 # ms`: systemd keeps the comment as part of the value. For a number, boolean, duration, URL
// or enum that makes the value invalid and etcd refuses to start; for a string the comment silently
// becomes part of it.
import { checkValue } from '../context';
import { finding, fix, refuses, type Rule } from './rule';

const STRICT = new Set(['uint', 'int', 'bool', 'duration', 'urls', 'cluster', 'enum']);

export const inlineComment: Rule = {
  id: 'inline-comment',
  check(doc, ctx) {
    if (ctx.format !== 'env') return [];
    const out = [];
    for (const e of doc.entries) {
      if (!e.inlineComment || e.value === null) continue;
      const remove = fix('Remove the inline comment', true, { range: e.inlineComment, newText: '' });
      const strict = e.spec && STRICT.has(e.spec.kind);
      const typeError = e.spec ? checkValue(e, 'env') : { ok: true };
      if (strict && e.spec) {
        const msg = typeError.ok ? `invalid value "${e.value}" for ${e.spec.env}` : (typeError.error ?? '');
        out.push(
          finding(
            'inline-comment',
            'error',
            refuses(msg, 'systemd keeps an inline "# ..." as part of the value; put comments on their own line'),
            e.inlineComment,
            remove,
          ),
        );
      } else {
        out.push(
          finding(
            'inline-comment',
            'warning',
            `systemd keeps an inline "# ..." as part of the value: ${e.key} is "${e.value}". Put comments on their own line.`,
            e.inlineComment,
            remove,
          ),
        );
      }
    }
    return out;
  },
};
