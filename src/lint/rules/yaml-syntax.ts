// yaml-syntax (Error): YAML etcd cannot read, or a file that is not a mapping.
import { YAML_SYNTAX } from '../parse/yaml';
import { defineRule } from './helpers';

// The YAML parser finds these while it reads the document (its reporter holds the code); the rule hands them on.
export const yamlSyntax = defineRule(YAML_SYNTAX.id, (doc, _ctx, { own }) => own(doc.syntax));
