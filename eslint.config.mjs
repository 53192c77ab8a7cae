// ESLint flat config. The folder boundaries of the architecture are enforced here: only src/extension
// may import 'vscode'; the webview is browser code and imports no Node modules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = {
  paths: [{ name: 'vscode', message: 'Only src/extension may import vscode: keep this folder plain Node.' }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', '*.vsix'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's test()/describe() return promises the runner itself awaits.
        { allowForKnownSafeCalls: [{ from: 'package', name: ['test', 'it', 'describe', 'suite'], package: 'node:test' }] },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    files: [
      'src/etcd/**',
      'src/ssh/**',
      'src/metrics/**',
      'src/lint/**',
      'src/server/**',
      'src/shared/**',
      'src/cli/**',
      'test/**',
      'bench/**',
    ],
    rules: { 'no-restricted-imports': ['error', noVscode] },
  },
  {
    // src/shared is what the extension, the webview, the server and the CLI share: it may not depend on one of them.
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: noVscode.paths,
          patterns: [
            {
              regex: '(^|/)\\.\\./(cli|extension|server|webview)(/|$)',
              message: 'src/shared is imported by the CLI, the extension, the server and the webview, never the other way round.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/webview/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: noVscode.paths,
          patterns: [{ group: ['node:*', '../etcd/*', '../ssh/*', '../lint/*'], message: 'The webview is browser code.' }],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
