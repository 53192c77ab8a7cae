// yaml-syntax (Error): YAML etcd cannot read, or a file that is not a mapping.
import { type Rule } from './helpers';

export const yamlSyntax: Rule = {
  id: 'yaml-syntax',
  check: (doc) => doc.syntax.filter((d) => d.code === 'yaml-syntax'),
};
