// config-file-overrides (Warning): ETCD_CONFIG_FILE set together with other ETCD_* variables, which etcd then
// ignores.
import { defineRule } from './helpers';

export const configFileOverrides = defineRule('config-file-overrides', (doc, ctx, { finding }) => {
  if (ctx.format !== 'env' || !ctx.isSet('config-file')) return [];
  return doc.entries
    .filter((e) => e.spec && e.spec.name !== 'config-file' && e.value !== '')
    .map((e) =>
      finding(
        'warning',
        `ETCD_CONFIG_FILE is set, so etcd reads only that YAML file and ignores ${e.key} ("other configuration command line flags and environment variables will be ignored").`,
        e.keyRange,
      ),
    );
});
