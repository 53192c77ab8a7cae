// `ETCD_X=1000 # ms`: systemd keeps the comment as part of the value. For a number, boolean, duration, URL
// or enum that makes the value invalid and etcd refuses to start; for a string the comment silently
// becomes part of it.
import { checkValue } from '../checkValue';
import { clip, defineEntryRule, fix, refuses } from './helpers';

const STRICT = new Set(['uint', 'int', 'bool', 'duration', 'urls', 'cluster', 'enum']);

export const inlineComment = defineEntryRule('inline-comment', (e, ctx, { finding }) => {
  if (ctx.format !== 'env' || !e.inlineComment || e.value === null) return [];
  const remove = fix('Remove the inline comment', true, { range: e.inlineComment, newText: '' });
  if (e.spec && STRICT.has(e.spec.kind)) {
    const typeError = checkValue(e, 'env');
    const msg = typeError.ok ? `invalid value "${clip(e.value)}" for ${e.spec.env}` : (typeError.error ?? '');
    return [
      finding(
        'error',
        refuses(msg, 'systemd keeps an inline "# ..." as part of the value; put comments on their own line'),
        e.inlineComment,
        remove,
      ),
    ];
  }
  return [
    finding(
      'warning',
      `systemd keeps an inline "# ..." as part of the value: ${e.key} is "${clip(e.value)}". Put comments on their own line.`,
      e.inlineComment,
      remove,
    ),
  ];
});
