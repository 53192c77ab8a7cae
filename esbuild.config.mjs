// Builds the bundles of etcd Inspector into dist/.
//   node esbuild.config.mjs               development build (sourcemaps)
//   node esbuild.config.mjs --production  minified, no sourcemaps (what the .vsix ships)
//   node esbuild.config.mjs --watch       rebuild on change
// Imported (test/unit/project/bundles.test.ts), it only exports the build options.
import * as esbuild from 'esbuild';
import { readFileSync, realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { etcd3Protos } from './scripts/etcd3-protos.mjs';

const ROOT = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/**
 * The CLI's commands. Each is a bundle of its own, dist/cli-<name>.js, which src/cli/main.ts loads (its
 * `import('./<name>.js')`) only when that command runs: `--help` compiles a few KB instead of 1.6 MB, `lint`
 * never loads gRPC, `status` never loads the linter. `actions` serves every runbook action (defrag, alarm,
 * move-leader, member, snapshot, hashkv, verify, recover): a bundle of its own so that `status` does not
 * compile the actions' code on every run. `alerts` prints Prometheus rules and loads neither gRPC nor the status code.
 */
export const CLI_COMMANDS = {
  status: 'src/cli/status.ts',
  lint: 'src/cli/lint.ts',
  actions: 'src/cli/actions.ts',
  ssh: 'src/cli/ssh.ts',
  alerts: 'src/cli/alerts.ts',
};

/**
 * Packages the commands need on one path only, bundled on their own (dist/cli-<name>.js) and loaded when
 * first used: yaml is read for a kubeadm manifest (`status --kubeadm-manifest`) or a YAML configuration, not
 * for `status --endpoints` or an env file.
 */
export const CLI_LAZY_PACKAGES = ['yaml'];

/**
 * The CLI's entry and its commands: a dynamic import of a command (`import('./lint.js')` in src/cli) becomes
 * a require of that command's bundle (diagnose --config loads the linter's bundle only then).
 */
function cliCommandBundles() {
  const cli = join(ROOT, 'src', 'cli');
  return {
    name: 'cli-command-bundles',
    /** @param {import('esbuild').PluginBuild} build */
    setup(build) {
      build.onResolve({ filter: /^\.\/[\w-]+\.js$/ }, (args) => {
        if (args.kind !== 'dynamic-import' || dirname(resolve(args.importer)) !== cli) return undefined;
        const name = basename(args.path, '.js');
        if (!(name in CLI_COMMANDS)) {
          return { errors: [{ text: `${basename(args.importer)} loads ${args.path}, which is not in CLI_COMMANDS (esbuild.config.mjs)` }] };
        }
        return { path: `./cli-${name}.js`, external: true };
      });
    },
  };
}

/**
 * In the command bundles, each of CLI_LAZY_PACKAGES is a stand-in whose exports load dist/cli-<package>.js
 * on first access (esbuild's import helpers read named imports through these getters at each use).
 */
function cliLazyPackages() {
  const filter = new RegExp(`^(${CLI_LAZY_PACKAGES.join('|')})$`);
  return {
    name: 'cli-lazy-packages',
    /** @param {import('esbuild').PluginBuild} build */
    setup(build) {
      build.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'cli-lazy' }));
      build.onResolve({ filter: /^\.\/cli-[\w-]+\.js$/, namespace: 'cli-lazy' }, (args) => ({ path: args.path, external: true }));
      build.onLoad({ filter: /.*/, namespace: 'cli-lazy' }, (args) => {
        const names = Object.keys(require(args.path));
        const contents = [
          'let loaded;',
          `const load = () => (loaded ??= require(${JSON.stringify(`./cli-${args.path}.js`)}));`,
          `for (const name of ${JSON.stringify(names)}) Object.defineProperty(exports, name, { enumerable: true, get: () => load()[name] });`,
        ].join('\n');
        return { contents, loader: 'js' };
      });
    },
  };
}

/** @type {import('esbuild').BuildOptions} */
const common = {
  absWorkingDir: ROOT,
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'info',
  legalComments: 'none',
};

/**
 * ssh2's optional native parts: it requires them inside try/catch and falls back to pure JavaScript (and
 * Node's own crypto) when they are missing, as they are in our bundles (npm runs no install script for them).
 */
const SSH2_OPTIONAL_NATIVE = ['cpu-features', '*.node'];

/** @type {import('esbuild').BuildOptions} */
const node = { ...common, platform: 'node', format: 'cjs', target: 'node20', outdir: 'dist', external: SSH2_OPTIONAL_NATIVE };

/** @type {Record<string, import('esbuild').BuildOptions>} */
export const contexts = {
  // The extension host side: the only bundle that may import 'vscode'.
  extension: {
    ...node,
    entryPoints: { extension: 'src/extension/main.ts' },
    external: ['vscode', ...SSH2_OPTIONAL_NATIVE],
    plugins: [etcd3Protos()],
  },
  // The language server, started by the extension over IPC (or over stdio by tests).
  server: {
    ...node,
    entryPoints: { server: 'src/server/main.ts' },
  },
  // Browser code of the webview panels, and their stylesheet (uPlot's CSS and media/status.css in one file).
  webview: {
    ...common,
    entryPoints: [
      { in: 'src/webview/main.ts', out: 'webview' },
      { in: 'src/webview/webview.css', out: 'webview' },
    ],
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    outdir: 'dist',
  },
  // The etcd-inspector command line: a small entry (argument dispatch, usage) ...
  cli: {
    ...node,
    entryPoints: { cli: 'src/cli/main.ts' },
    banner: { js: '#!/usr/bin/env node' },
    plugins: [cliCommandBundles()],
    // import() of a command's bundle becomes require(): Node's ESM loader would scan the CommonJS file for
    // its exports first (tens of ms for the status bundle).
    supported: { 'dynamic-import': false },
    define: { __VERSION__: JSON.stringify(pkg.version) },
  },
  // ... and its commands, each loaded when it runs, and the packages they load on demand.
  cliCommands: {
    ...node,
    entryPoints: {
      ...Object.fromEntries(Object.entries(CLI_COMMANDS).map(([name, file]) => [`cli-${name}`, file])),
      ...Object.fromEntries(CLI_LAZY_PACKAGES.map((name) => [`cli-${name}`, require.resolve(name)])),
    },
    plugins: [etcd3Protos(), cliLazyPackages(), cliCommandBundles()],
    supported: { 'dynamic-import': false },
    define: { __VERSION__: JSON.stringify(pkg.version) },
  },
};

async function build() {
  if (!watch) rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
  const built = await Promise.all(Object.values(contexts).map((options) => esbuild.context(options)));
  if (watch) {
    await Promise.all(built.map((ctx) => ctx.watch()));
  } else {
    await Promise.all(built.map((ctx) => ctx.rebuild()));
    await Promise.all(built.map((ctx) => ctx.dispose()));
  }
}

// Run as a script (not imported): build. No top-level await, so tests can load this file through tsx.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  build().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
