// Builds the four bundles of etcd Inspector into dist/.
//   node esbuild.config.mjs               development build (sourcemaps)
//   node esbuild.config.mjs --production  minified, no sourcemaps (what the .vsix ships)
//   node esbuild.config.mjs --watch       rebuild on change
import * as esbuild from 'esbuild';
import { cpSync, readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// etcd3 loads its .proto files at run time from `${__dirname}/../proto`. Bundled, __dirname is dist/, so
// point it at dist/proto and copy the files there.
/** @type {import('esbuild').Plugin} */
const etcd3Protos = {
  name: 'etcd3-protos',
  setup(build) {
    build.onLoad({ filter: /etcd3[\\/]lib[\\/]connection-pool\.js$/ }, async (args) => {
      const source = readFileSync(args.path, 'utf8');
      const patched = source.replace('`${__dirname}/../proto/rpc.proto`', "require('path').join(__dirname, 'proto', 'rpc.proto')");
      if (patched === source) throw new Error('etcd3-protos: the proto path in etcd3 changed; update esbuild.config.mjs');
      return { contents: patched, loader: 'js' };
    });
    build.onEnd(() => cpSync('node_modules/etcd3/proto', 'dist/proto', { recursive: true }));
  },
};

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'info',
  legalComments: 'none',
};

/** @type {Record<string, import('esbuild').BuildOptions>} */
const contexts = {
  // The extension host side: the only bundle that may import 'vscode'.
  extension: {
    ...common,
    entryPoints: { extension: 'src/extension/main.ts' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: 'dist',
    external: ['vscode'],
    plugins: [etcd3Protos],
  },
  // The language server, started by the extension over IPC (or over stdio by tests).
  server: {
    ...common,
    entryPoints: { server: 'src/server/main.ts' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: 'dist',
  },
  // Browser code of the webview panels.
  webview: {
    ...common,
    entryPoints: { webview: 'src/webview/main.ts' },
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    outdir: 'dist',
  },
  // The etcd-inspector command line.
  cli: {
    ...common,
    entryPoints: { cli: 'src/cli/main.ts' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [etcd3Protos],
    define: { __VERSION__: JSON.stringify(pkg.version) },
  },
};

if (!watch) rmSync('dist', { recursive: true, force: true });
const built = await Promise.all(Object.values(contexts).map((options) => esbuild.context(options)));
if (watch) {
  await Promise.all(built.map((ctx) => ctx.watch()));
} else {
  await Promise.all(built.map((ctx) => ctx.rebuild()));
  await Promise.all(built.map((ctx) => ctx.dispose()));
}
