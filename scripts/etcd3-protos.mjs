// etcd3's protobuf definitions, precompiled at build time. etcd3 calls @grpc/proto-loader's
// loadSync('rpc.proto') when its connection pool is first loaded: parsing the .proto text and building
// descriptors of every type cost about 80 ms of each start of `etcd-inspector status` (and of the extension).
// The esbuild plugin below replaces that call with a descriptor made here once per build (the same
// proto-loader, the same files and options) and scripts/etcd3-grpc-definition.ts, which turns it into the
// package definition grpc-js needs. test/unit/project/etcd3Protos.test.ts checks the two agree.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const RUNTIME = join(HERE, 'etcd3-grpc-definition.ts');

/** etcd3's own loadSync call, which the plugin replaces; the build fails if etcd3 changes it. */
const LOAD_SYNC = '(0, proto_loader_1.loadSync)(`${__dirname}/../proto/rpc.proto`, {';
const REQUIRE_LOADER = 'const proto_loader_1 = require("@grpc/proto-loader");\n';
/** The options etcd3 passes with it (they travel at run time too; field names are fixed by keepCase here). */
export const ETCD3_LOADER_OPTIONS = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

/** etcd3's own require, so proto-loader and protobufjs are the copies etcd3 would load. */
function etcd3Require() {
  return createRequire(createRequire(import.meta.url).resolve('etcd3'));
}

/** Parses etcd3's rpc.proto (and its imports) as etcd3 does and returns the descriptor the bundles embed. */
export function precompileEtcd3Protos() {
  const require = etcd3Require();
  const file = join(dirname(require.resolve('etcd3/package.json')), 'proto', 'rpc.proto');
  const loader = require('@grpc/proto-loader');
  const root = require('@grpc/proto-loader/build/src/util.js').loadProtosWithOptionsSync(file, ETCD3_LOADER_OPTIONS);
  const definition = loader.loadSync(file, ETCD3_LOADER_OPTIONS);
  const services = {};
  for (const [name, value] of Object.entries(definition)) {
    if ('format' in value) continue; // a message or an enum: only services are served
    const service = root.lookupService(name);
    services[name] = {};
    for (const [method, m] of Object.entries(value)) {
      const reflected = service.methods[method];
      services[name][method] = {
        path: m.path,
        requestStream: m.requestStream,
        responseStream: m.responseStream,
        originalName: m.originalName,
        options: m.options,
        requestType: reflected.resolvedRequestType.fullName.replace(/^\./, ''),
        responseType: reflected.resolvedResponseType.fullName.replace(/^\./, ''),
      };
    }
  }
  const closures = {};
  for (const methods of Object.values(services)) {
    for (const m of Object.values(methods)) {
      for (const name of [m.requestType, m.responseType]) closures[name] ??= closure(root.lookupType(name));
    }
  }
  return { parseOptions: { keepCase: ETCD3_LOADER_OPTIONS.keepCase }, root: root.toJSON(), services, closures };
}

/** The outermost definition (a message or enum directly in its package) that holds a type. */
function outermost(type) {
  while (type.parent && 'fieldsArray' in type.parent) type = type.parent;
  return type;
}

/** Every message inside a definition, itself included. */
function messagesWithin(type) {
  if (!('fieldsArray' in type)) return [];
  return [type, ...type.nestedArray.flatMap(messagesWithin)];
}

/** The outermost definitions a message needs to be encoded and decoded: its own and those of every field, transitively. */
function closure(type) {
  const seen = new Set();
  const pending = [outermost(type)];
  while (pending.length > 0) {
    const next = pending.pop();
    if (seen.has(next)) continue;
    seen.add(next);
    for (const message of messagesWithin(next)) {
      for (const field of message.fieldsArray) {
        const used = field.resolve().resolvedType;
        if (used) pending.push(outermost(used));
      }
    }
  }
  return [...seen].map((t) => t.fullName.replace(/^\./, '')).sort();
}

/**
 * The esbuild plugin: etcd3's connection pool gets the precompiled definition, and proto-loader (with
 * protobufjs's .proto parser) stays out of the bundle. grpc-js requires proto-loader only inside the server
 * side of channelz and ORCA load reporting, which an etcd client never reaches; they get a stand-in that says so.
 */
export function etcd3Protos() {
  return {
    name: 'etcd3-protos',
    /** @param {import('esbuild').PluginBuild} build */
    setup(build) {
      let contents;
      build.onLoad({ filter: /etcd3[\\/]lib[\\/]connection-pool\.js$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes(LOAD_SYNC) || !source.includes(REQUIRE_LOADER)) {
          throw new Error("etcd3-protos: etcd3's loadSync call changed; update scripts/etcd3-protos.mjs");
        }
        const patched = source.replace(REQUIRE_LOADER, '').replace(LOAD_SYNC, 'require("etcd3-precompiled-protos").packageDefinition({');
        return { contents: patched, loader: 'js' };
      });
      build.onResolve({ filter: /^etcd3-precompiled-protos$/ }, () => ({ path: 'etcd3-precompiled-protos', namespace: 'etcd3-protos' }));
      build.onResolve({ filter: /^@grpc\/proto-loader$/ }, () => ({ path: 'proto-loader-left-out', namespace: 'etcd3-protos' }));
      build.onLoad({ filter: /^proto-loader-left-out$/, namespace: 'etcd3-protos' }, () => ({
        contents: `exports.loadSync = () => { throw new Error('@grpc/proto-loader is left out of this bundle (scripts/etcd3-protos.mjs)'); };`,
        loader: 'js',
      }));
      build.onLoad({ filter: /^etcd3-precompiled-protos$/, namespace: 'etcd3-protos' }, () => {
        contents ??= [
          `const { packageDefinition } = require(${JSON.stringify(RUNTIME)});`,
          // JSON.parse of a string is faster to compile and run than the same object literal.
          `const protos = JSON.parse(${JSON.stringify(JSON.stringify(precompileEtcd3Protos()))});`,
          'exports.packageDefinition = (options) => packageDefinition(protos, options);',
        ].join('\n');
        return { contents, loader: 'js', resolveDir: HERE };
      });
    },
  };
}
