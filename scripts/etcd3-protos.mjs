// etcd's protobuf definitions (etcd3's rpc.proto), compiled at build time. Parsing the .proto text and building
// descriptors of every type cost about 80 ms of each start of `etcd-inspector status` (and of the extension),
// and protobufjs then generated each message type's encoder, decoder and converters with `new Function` on
// its first use (about 35 ms more). The esbuild plugin below replaces src/etcd/grpc/methods.ts, which does
// that when run from source, with a module made here once per build: the table of the methods etcd Inspector
// calls (src/etcd/grpc/used-methods.json), and for every message type they use, the functions protobufjs's
// own generators (encoder, decoder, converter, as its Type.setup and pbjs's static target use them) write for
// it, as ordinary JavaScript that needs only protobufjs/minimal at run time. Only the used methods: all 106
// types of etcd's API cost about 15 ms of every start to load.
// scripts/etcd3-grpc-definition.ts turns them into a package definition (proto-loader's shape).
// test/unit/project/etcd3Protos.test.ts checks the two agree with proto-loader.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const RUNTIME = join(HERE, 'etcd3-grpc-definition.ts');

/** The options etcd3 passes with it (they travel at run time too; field names are fixed by keepCase here). */
export const ETCD3_LOADER_OPTIONS = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

/**
 * proto-loader and protobufjs as etcd3 loads them. The generators must be the protobufjs that built the
 * reflection objects (they test `instanceof Enum`), and the generated code runs on that copy's minimal runtime.
 */
function etcd3Packages() {
  const require = createRequire(createRequire(import.meta.url).resolve('etcd3'));
  const loaderRequire = createRequire(require.resolve('@grpc/proto-loader'));
  return {
    require,
    loader: require('@grpc/proto-loader'),
    loaderUtil: require('@grpc/proto-loader/build/src/util.js'),
    protobuf: loaderRequire('protobufjs'),
    minimal: loaderRequire.resolve('protobufjs/minimal'),
  };
}

/** A type's full name without protobufjs's leading dot, as proto-loader and the method table spell it. */
const nameOf = (type) => type.fullName.replace(/^\./, '');

/** The methods etcd Inspector calls ("etcdserverpb.KV/Range"): src/etcd/grpc/used-methods.json. */
export const USED_METHODS = new Set(JSON.parse(readFileSync(join(HERE, '..', 'src', 'etcd', 'grpc', 'used-methods.json'), 'utf8')).methods);

/**
 * Parses etcd3's rpc.proto (and its imports) as etcd3 does: the reflected types and the method table of the
 * methods etcd Inspector calls (all of them with `all`).
 */
export function parseEtcd3Protos({ all = false } = {}) {
  const { require, loader, loaderUtil } = etcd3Packages();
  const file = join(dirname(require.resolve('etcd3/package.json')), 'proto', 'rpc.proto');
  const root = loaderUtil.loadProtosWithOptionsSync(file, ETCD3_LOADER_OPTIONS);
  const definition = loader.loadSync(file, ETCD3_LOADER_OPTIONS);
  const services = {};
  for (const [name, value] of Object.entries(definition)) {
    if ('format' in value) continue; // a message or an enum: only services are served
    const service = root.lookupService(name);
    if (!all && ![...USED_METHODS].some((m) => m.startsWith(`${name}/`))) continue;
    services[name] = {};
    for (const [method, m] of Object.entries(value)) {
      if (!all && !USED_METHODS.has(`${name}/${method}`)) continue;
      const reflected = service.methods[method];
      services[name][method] = {
        path: m.path,
        requestStream: m.requestStream,
        responseStream: m.responseStream,
        originalName: m.originalName,
        options: m.options,
        requestType: nameOf(reflected.resolvedRequestType),
        responseType: nameOf(reflected.resolvedResponseType),
      };
    }
  }
  for (const used of all ? [] : USED_METHODS) {
    const [service, method] = used.split('/');
    if (!services[service]?.[method])
      throw new Error(`etcd3-protos: ${used} (src/etcd/grpc/used-methods.json) is not in etcd3's rpc.proto`);
  }
  return { root, services };
}

/** The messages and enums the services' request and response types need, transitively, by full name. */
function usedTypes(root, services) {
  const seen = new Map();
  const pending = Object.values(services).flatMap((methods) =>
    Object.values(methods).flatMap((m) => [root.lookupType(m.requestType), root.lookupType(m.responseType)]),
  );
  while (pending.length > 0) {
    const type = pending.pop();
    if (seen.has(type.fullName)) continue;
    seen.set(type.fullName, type);
    for (const field of type.fieldsArray ?? []) {
      const used = field.resolve().resolvedType;
      if (used) pending.push(used);
    }
  }
  return [...seen.values()].sort((a, b) => (a.fullName < b.fullName ? -1 : 1));
}

/**
 * One message type's functions as Type.setup makes them: protobufjs's generators' source, sharing `types`
 * (the resolved type of each field, by field index) and protobufjs/minimal's Writer, Reader and util.
 * The functions run as methods of the type's object (`new this.ctor`), as they do of a reflected Type.
 */
function emitMessage(protobuf, type, ref) {
  // The generated code reads a message's own properties only, except for proto2's required fields, which
  // it encodes unconditionally from the defaults on a reflected type's prototype: not emitted here.
  const required = type.fieldsArray.find((field) => field.required);
  if (required) throw new Error(`etcd3-protos: ${required.fullName} is required; scripts/etcd3-protos.mjs emits no prototype defaults`);
  // Type.setup wraps these types' converters (google.protobuf.Any): not emitted here either.
  if (protobuf.wrappers[type.fullName])
    throw new Error(`etcd3-protos: ${type.fullName} has a protobufjs wrapper; scripts/etcd3-protos.mjs does not emit it`);
  const types = type.fieldsArray.map((field) => (field.resolve().resolvedType ? ref(field.resolvedType) : 'null'));
  const functions = {
    ctor: protobuf.Type.generateConstructor(type),
    encode: protobuf.encoder(type),
    decode: protobuf.decoder(type),
    fromObject: protobuf.converter.fromObject(type),
    toObject: protobuf.converter.toObject(type),
  };
  return [
    `Object.assign(${ref(type)}, ((types) => ({`,
    `name: ${JSON.stringify(type.name)},`,
    ...Object.entries(functions).map(([name, gen]) => `${name}: ${gen.toString()},`),
    `}))([${types.join(', ')}]));`,
  ].join('\n');
}

/**
 * The source of the bundles' `etcd3-precompiled-protos` module: `packageDefinition(options)` for etcd3's
 * connection pool, and `protos` (its input: the method table and the message types' functions by full name).
 */
export function precompiledProtosModule({ all = false } = {}) {
  const { protobuf, minimal } = etcd3Packages();
  const { root, services } = parseEtcd3Protos({ all });
  const used = usedTypes(root, services);
  const index = new Map(used.map((type, i) => [type, i]));
  const ref = (type) => `T[${index.get(type)}]`;
  const lines = [
    '"use strict";',
    `const { packageDefinition } = require(${JSON.stringify(RUNTIME)});`,
    `const { Reader, Writer, util } = require(${JSON.stringify(minimal)});`,
    `const T = Array.from({ length: ${used.length} }, () => ({}));`,
  ];
  for (const type of used) {
    lines.push(`// ${nameOf(type)}`);
    if (type instanceof protobuf.Enum) {
      // As a reflected Enum's: values by name, inheriting values by id (toObject reads names by id).
      lines.push(
        `${ref(type)}.values = Object.assign(Object.create(${JSON.stringify(type.valuesById)}), ${JSON.stringify({ ...type.values })});`,
      );
    } else {
      lines.push(emitMessage(protobuf, type, ref));
    }
  }
  const messages = used.filter((type) => !(type instanceof protobuf.Enum));
  lines.push(
    'const protos = {',
    `parseOptions: ${JSON.stringify({ keepCase: ETCD3_LOADER_OPTIONS.keepCase })},`,
    `services: ${JSON.stringify(services)},`,
    `types: { ${messages.map((type) => `${JSON.stringify(nameOf(type))}: ${ref(type)}`).join(', ')} },`,
    '};',
    'exports.protos = protos;',
    'exports.packageDefinition = (options) => packageDefinition(protos, options);',
  );
  return lines.join('\n') + '\n';
}

/**
 * The esbuild plugin: src/etcd/grpc/methods.ts, which parses the .proto files with proto-loader when run from
 * source, becomes the generated module in the bundles, so neither proto-loader nor protobufjs's .proto parser
 * and code generation are bundled. Nothing in the bundles may load etcd3 or grpc-js (they would get a
 * definition of the used methods only): the build fails if anything does.
 */
export function etcd3Protos() {
  return {
    name: 'etcd3-protos',
    /** @param {import('esbuild').PluginBuild} build */
    setup(build) {
      let contents;
      build.onLoad({ filter: /[\\/]src[\\/]etcd[\\/]grpc[\\/]methods\.ts$/ }, () => ({
        contents: [
          '"use strict";',
          'const { packageDefinition } = require("etcd3-precompiled-protos");',
          'const ETCD3_LOADER_OPTIONS = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };',
          'let loaded;',
          'exports.ETCD3_LOADER_OPTIONS = ETCD3_LOADER_OPTIONS;',
          'exports.etcdMethods = () => (loaded ??= packageDefinition(ETCD3_LOADER_OPTIONS));',
        ].join('\n'),
        loader: 'js',
        resolveDir: HERE,
      }));
      build.onResolve({ filter: /^(etcd3|@grpc\/grpc-js|@grpc\/proto-loader)(\/|$)/ }, (args) => ({
        errors: [
          { text: `${args.path} is imported by ${args.importer}: the bundles call etcd over src/etcd/grpc (scripts/etcd3-protos.mjs)` },
        ],
      }));
      build.onResolve({ filter: /^etcd3-precompiled-protos$/ }, () => ({ path: 'etcd3-precompiled-protos', namespace: 'etcd3-protos' }));
      build.onLoad({ filter: /^etcd3-precompiled-protos$/, namespace: 'etcd3-protos' }, () => {
        contents ??= precompiledProtosModule();
        return { contents, loader: 'js', resolveDir: HERE };
      });
    },
  };
}
