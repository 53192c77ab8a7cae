// What each bundle holds, from esbuild's own account of a build in memory (esbuild.config.mjs): the CLI's
// entry is only argument dispatch, each command loads only what it needs (lint never gRPC or etcd3, status
// never the YAML parser or the linter), and etcd's protos come precompiled instead of parsed from .proto text
// at start, in the CLI and in the extension.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as esbuild from 'esbuild';

/** Per output file (dist/<name>.js → name): the input files esbuild put into it, and its text. */
async function build(context: 'cli' | 'cliCommands' | 'extension'): Promise<Map<string, { inputs: string[]; text: string }>> {
  const { contexts } = await import('../../../esbuild.config.mjs');
  const result = await esbuild.build({ ...contexts[context], write: false, metafile: true, sourcemap: false, logLevel: 'silent' });
  const out = new Map<string, { inputs: string[]; text: string }>();
  for (const [path, output] of Object.entries(result.metafile.outputs)) {
    const text = result.outputFiles.find((f) => f.path.endsWith(path))?.text ?? '';
    out.set(path.replace(/^dist\//, '').replace(/\.js$/, ''), { inputs: Object.keys(output.inputs), text });
  }
  return out;
}

const from = (inputs: string[], pattern: RegExp): string[] => inputs.filter((i) => pattern.test(i));
const GRPC = /node_modules\/(@grpc\/|etcd3\/|protobufjs\/)/;
const YAML = /node_modules\/yaml\//;

test('the CLI entry holds argument dispatch, its output writer and the code cache only, and requires each command bundle when it runs', async () => {
  const cli = (await build('cli')).get('cli');
  assert.ok(cli);
  assert.deepEqual(cli.inputs.sort(), ['src/cli/cli.ts', 'src/cli/codeCache.ts', 'src/cli/main.ts', 'src/cli/stdio.ts']);
  assert.ok(cli.text.length < 20_000, `dist/cli.js is ${cli.text.length} bytes`);
  // A require, not import(): Node's ESM loader would first scan the CommonJS bundle for its exports.
  assert.match(cli.text, /require\("\.\/cli-status\.js"\)/);
  assert.match(cli.text, /require\("\.\/cli-lint\.js"\)/);
  assert.match(cli.text, /require\("\.\/cli-actions\.js"\)/);
  assert.match(cli.text, /require\("\.\/cli-alerts\.js"\)/);
  assert.doesNotMatch(cli.text, /\bimport\(/);
});

test('lint loads neither gRPC, etcd3 nor the status code; yaml only on demand', async () => {
  const lint = (await build('cliCommands')).get('cli-lint');
  assert.ok(lint);
  assert.deepEqual(from(lint.inputs, GRPC), []);
  assert.deepEqual(from(lint.inputs, /^src\/(etcd|metrics)\//), []);
  assert.deepEqual(from(lint.inputs, YAML), []);
  assert.ok(lint.inputs.includes('cli-lazy:yaml'), 'yaml is a stand-in that loads dist/cli-yaml.js');
});

test('alerts loads neither gRPC, etcd3, the status code nor the linter; yaml only on demand', async () => {
  const alerts = (await build('cliCommands')).get('cli-alerts');
  assert.ok(alerts);
  assert.ok(alerts.inputs.includes('src/metrics/alerts.ts'));
  assert.deepEqual(from(alerts.inputs, GRPC), []);
  assert.deepEqual(from(alerts.inputs, /^src\/(lint|ssh)\/|^src\/etcd\/(probe|client|printer)\.ts$|^src\/cli\/status\.ts$/), []);
  assert.deepEqual(from(alerts.inputs, YAML), []);
  assert.ok(alerts.inputs.includes('cli-lazy:yaml'), 'yaml is a stand-in that loads dist/cli-yaml.js');
});

test('the actions load the member configuration generator but yaml only on demand', async () => {
  const actions = (await build('cliCommands')).get('cli-actions');
  assert.ok(actions);
  assert.deepEqual(from(actions.inputs, YAML), []);
  assert.ok(actions.inputs.includes('src/lint/memberConfig.ts'));
});

test('status loads neither the YAML parser (until a kubeadm manifest is read) nor the linter', async () => {
  const bundles = await build('cliCommands');
  const status = bundles.get('cli-status');
  assert.ok(status);
  assert.deepEqual(from(status.inputs, YAML), []);
  assert.deepEqual(from(status.inputs, /^src\/lint\//), []);
  assert.deepEqual(from(bundles.get('cli-yaml')?.inputs ?? [], /^(?!node_modules\/yaml\/)/), [], 'dist/cli-yaml.js is yaml alone');
});

for (const [context, name] of [
  ['cliCommands', 'cli-status'],
  ['cliCommands', 'cli-actions'],
  ['extension', 'extension'],
] as const) {
  test(`${name}: etcd's protos come precompiled, no .proto file is read at start, no etcd3 or grpc-js`, async () => {
    const bundle = (await build(context)).get(name);
    assert.ok(bundle);
    // Calls go over src/etcd/grpc (Node's HTTP/2); the build refuses etcd3 and grpc-js (scripts/etcd3-protos.mjs).
    assert.deepEqual(from(bundle.inputs, /node_modules\/(etcd3|@grpc|cockatiel)\//), []);
    assert.ok(bundle.inputs.includes('src/etcd/grpc/channel.ts'));
    assert.ok(bundle.inputs.includes('etcd3-protos:etcd3-precompiled-protos'));
    assert.ok(bundle.inputs.includes('scripts/etcd3-grpc-definition.ts'));
    assert.doesNotMatch(bundle.text, /rpc\.proto/);
    // Nor proto-loader and protobufjs's .proto parser (grpc-js needs them only for server-side channelz and ORCA).
    assert.deepEqual(
      from(bundle.inputs, /node_modules\/(@grpc\/proto-loader|protobufjs\/src\/(parse|tokenize)\.js|protobufjs\/ext\/)/),
      [],
    );
    // Nor protobufjs's reflection and code generation: encoders and decoders are generated at build time.
    assert.deepEqual(
      from(bundle.inputs, /node_modules\/(@protobufjs\/codegen|protobufjs\/src\/(type|root|encoder|decoder|converter)\.js)/),
      [],
    );
  });
}

test('a bundle that imports etcd3 or grpc-js does not build', async () => {
  const { etcd3Protos } = await import('../../../scripts/etcd3-protos.mjs');
  for (const name of ['etcd3', '@grpc/grpc-js']) {
    await assert.rejects(
      esbuild.build({
        stdin: { contents: `require(${JSON.stringify(name)});`, resolveDir: process.cwd() },
        bundle: true,
        platform: 'node',
        write: false,
        logLevel: 'silent',
        plugins: [etcd3Protos()],
      }),
      new RegExp(`${name.replace('/', '\\/')} is imported by .*src/etcd/grpc`),
    );
  }
});
