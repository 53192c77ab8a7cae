// env-syntax (Warning): A line systemd ignores: no `=`, an invalid name, `export NAME=`.
import { type Rule } from './helpers';

export const envSyntax: Rule = {
  id: 'env-syntax',
  check: (doc) => doc.syntax.filter((d) => d.code === 'env-syntax'),
};
