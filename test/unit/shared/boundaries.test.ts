// src/shared is shared by the CLI, the extension, the server and the webview: the project's ESLint rules refuse
// an import from it into one of them (the status view-model once imported the CLI's table printer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint, Linter } from 'eslint';
import tseslint from 'typescript-eslint';

const ROOT = join(__dirname, '..', '..', '..');

test('eslint forbids src/shared to import the CLI, the extension, the server or the webview', async () => {
  const file = join(ROOT, 'src', 'shared', 'text.ts');
  const config = (await new ESLint({ cwd: ROOT }).calculateConfigForFile(file)) as { rules: Record<string, Linter.RuleEntry> };
  const rule = config.rules['no-restricted-imports'];
  assert.ok(rule, 'src/shared has import restrictions');
  const linter = new Linter({ configType: 'flat' });
  const problems = (specifier: string): string[] =>
    linter
      .verify(
        `import { x } from '${specifier}';\nexport const y = x;\n`,
        [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, rules: { 'no-restricted-imports': rule } }],
        file,
      )
      .map((m) => m.ruleId ?? m.message);
  for (const specifier of [
    '../cli/table',
    '../cli',
    './../cli/status',
    '../extension/statusBar',
    '../server/main',
    '../webview/render',
    'vscode',
  ])
    assert.deepEqual(problems(specifier), ['no-restricted-imports'], specifier);
  for (const specifier of ['../etcd/printer', '../etcd/runbook/steps', './text', './clusterState'])
    assert.deepEqual(problems(specifier), [], specifier);
});
