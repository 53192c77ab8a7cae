// Findings of the parsers themselves: lines systemd ignores, YAML etcd cannot read.
import { type Rule } from './helpers';

export const yamlSyntax: Rule = {
  id: 'yaml-syntax',
  check: (doc) => doc.syntax.filter((d) => d.code === 'yaml-syntax'),
};
