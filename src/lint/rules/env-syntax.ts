// env-syntax (Warning): A line systemd ignores: no `=`, an invalid name, `export NAME=`.
import { ENV_SYNTAX } from '../parse/env';
import { defineRule } from './helpers';

// The env parser finds these while it reads the lines (its reporter holds the code); the rule hands them on.
export const envSyntax = defineRule(ENV_SYNTAX.id, (doc, _ctx, { own }) => own(doc.syntax));
