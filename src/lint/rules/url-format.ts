// url-format (Error): URL scheme, host:port, path (trailing slash fix), initial-cluster items without `=`.
import { clip, fix, refuses, URL_FLAGS, explicitUrls, checkOne, defineRule } from './helpers';
import { type LintDiagnostic } from '../types';

export const urlFormat = defineRule('url-format', (_doc, ctx, { finding }) => {
  const out: LintDiagnostic[] = [];
  for (const flag of URL_FLAGS) {
    const found = explicitUrls(ctx, flag);
    if (!found) continue;
    const { entry, items } = found;
    const prefix = ctx.format === 'env' ? `invalid value "${clip(entry.value ?? '')}" for ${entry.spec?.env}: ` : '';
    for (const u of items) {
      if (!u.error || u.text === '') continue;
      const range = ctx.rangeIn(entry, u.offset, u.text.length);
      const fixes =
        u.kind === 'path' && /^[a-z]+:\/\/[^/]+\/$/.test(u.text)
          ? fix('Remove the trailing slash', true, { range: ctx.rangeIn(entry, u.offset + u.text.length - 1, 1), newText: '' })
          : undefined;
      // rangeIn falls back to the whole value when it cannot map offsets: never delete the whole value.
      const safeFixes = fixes && range !== entry.valueRange ? fixes : undefined;
      out.push(finding('error', refuses(prefix + u.error), range, safeFixes));
    }
  }
  // initial-cluster URLs go through the same checks.
  const ic = ctx.get('initial-cluster');
  if (ic) {
    const { members, malformed } = ctx.cluster();
    for (const m of malformed) {
      out.push(
        finding(
          'error',
          refuses(
            'error setting up initial cluster: URL scheme must be http, https, unix, or unixs: ',
            `"${clip(m.text)}" has no "=": initial-cluster items are name=url`,
          ),
          ctx.rangeIn(ic, m.offset, m.text.length),
        ),
      );
    }
    for (const m of members) {
      const r = checkOne(m.url);
      if (!r) continue;
      const range = ctx.rangeIn(ic, m.urlOffset, m.url.length);
      const fixes =
        r.kind === 'path' && /^[a-z]+:\/\/[^/]+\/$/.test(m.url) && range !== ic.valueRange
          ? fix('Remove the trailing slash', true, { range: ctx.rangeIn(ic, m.urlOffset + m.url.length - 1, 1), newText: '' })
          : undefined;
      out.push(finding('error', refuses(`error setting up initial cluster: ${r.error}`), range, fixes));
    }
  }
  return out;
});
