// Values etcd cannot parse for the flag's type: numbers with units, negative or fractional numbers, bad
// booleans, durations without a unit (env) or as strings (YAML, where etcd wants integer nanoseconds).
import { checkValue } from '../context';
import { finding, fix, refuses, type Rule } from './rule';

export const invalidValue: Rule = {
  id: 'invalid-value',
  check(doc, ctx) {
    const out = [];
    for (const e of doc.entries) {
      if (!e.spec) continue;
      const result = ctx.check(e);
      if (result.ok || !result.error) continue;
      // A value that is fine without its inline comment is reported by inline-comment instead.
      if (e.inlineComment && e.value !== null) {
        const bare = e.value.slice(0, e.value.indexOf('#')).trimEnd();
        if (checkValue({ ...e, value: bare }, ctx.format).ok) continue;
      }
      const fixes =
        result.suggestion !== undefined
          ? fix(`Change to ${result.suggestion}`, true, {
              range: e.valueRange,
              newText: /^[["]/.test(result.suggestion) ? result.suggestion : ctx.quote(result.suggestion, { ...e, quoted: false }),
            })
          : undefined;
      out.push(
        finding(
          'invalid-value',
          'error',
          refuses(
            result.error,
            result.hint ? `${result.hint.startsWith('etcd') ? result.hint : result.hint[0].toUpperCase() + result.hint.slice(1)}.` : '',
          ),
          e.valueRange,
          fixes,
        ),
      );
    }
    return out;
  },
};
