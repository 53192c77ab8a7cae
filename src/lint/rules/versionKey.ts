// Keys another etcd version knows but the selected one does not (etcd warns "unrecognized environment
// variable" for env, ignores YAML silently), keys the selected version deprecates, and YAML-only gaps.
import { knownIn } from '../catalogue';
import { finding, type Rule } from './rule';

export const unsupportedKey: Rule = {
  id: 'unsupported-key',
  check(doc, ctx) {
    const out = [];
    for (const e of doc.entries) {
      const spec = e.spec;
      if (!spec || knownIn(spec, ctx.version)) continue;
      const known = spec.versions.join(', ');
      const ignored = ctx.format === 'env' ? 'it warns "unrecognized environment variable" and ignores it' : 'it ignores the key';
      out.push(
        finding(
          'unsupported-key',
          'warning',
          `etcd ${ctx.version} does not know ${e.key} (known in etcd ${known}): ${ignored}.`,
          e.keyRange,
        ),
      );
    }
    return out;
  },
};

export const deprecatedKey: Rule = {
  id: 'deprecated-key',
  check(doc, ctx) {
    const out = [];
    for (const e of doc.entries) {
      const why = e.spec?.deprecated?.[ctx.version];
      if (!e.spec || !why || !knownIn(e.spec, ctx.version)) continue;
      out.push(finding('deprecated-key', 'warning', `${e.key} is deprecated in etcd ${ctx.version}: ${why}.`, e.keyRange));
    }
    return out;
  },
};
