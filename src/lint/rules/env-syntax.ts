// Findings of the parsers themselves: lines systemd ignores, YAML etcd cannot read.
import { type Rule } from './helpers';

export const envSyntax: Rule = {
  id: 'env-syntax',
  check: (doc) => doc.syntax.filter((d) => d.code === 'env-syntax'),
};
