// Values etcd cannot parse for the flag's type: numbers with units, negative or fractional numbers, bad
// booleans, durations without a unit (env) or as strings (YAML, where etcd wants integer nanoseconds).
import { checkValue } from '../checkValue';
import { clip, defineEntryRule, fix, refuses } from './helpers';

export const invalidValue = defineEntryRule('invalid-value', (e, ctx, { finding }) => {
  if (!e.spec) return [];
  const result = ctx.check(e);
  if (result.ok || !result.error) return [];
  // A value that is fine without its inline comment is reported by inline-comment instead.
  if (e.inlineComment && e.value !== null) {
    const bare = e.value.slice(0, e.value.indexOf('#')).trimEnd();
    if (checkValue({ ...e, value: bare }, ctx.format).ok) return [];
  }
  const fixes =
    result.suggestion !== undefined
      ? fix(
          `Change to ${clip(result.suggestion)}`,
          true,
          ctx.replaceValue(e, /^[["]/.test(result.suggestion) ? result.suggestion : ctx.quote(result.suggestion, { ...e, quoted: false })),
        )
      : undefined;
  const hint = result.hint ? `${result.hint.startsWith('etcd') ? result.hint : result.hint[0].toUpperCase() + result.hint.slice(1)}.` : '';
  return [finding('error', refuses(result.error, hint), e.valueRange, fixes)];
});
