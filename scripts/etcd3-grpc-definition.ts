// What etcd3's gRPC client gets instead of `@grpc/proto-loader`'s loadSync('rpc.proto') in the bundles: the
// build (scripts/etcd3-protos.mjs) parses etcd3's .proto files once and serves their JSON descriptor and
// method table with this module. Nothing is built at start: the first call of a method builds a protobufjs
// Root of just its message types (and the types they use) from the JSON, and protobufjs generates their
// encoders and decoders then. proto-loader, by contrast, parses the .proto text and builds descriptors of all
// 108 types when etcd3 is loaded, about 80 ms of every start of `status`; building all 108 from JSON would
// still cost a third of that.
//
// grpc-js reads only the methods of a service (path, streaming, serializers, originalName) to make a client;
// the message and enum definitions and the file descriptors proto-loader adds are for server reflection,
// which etcd3 does not use, so they are left out. Serialization is proto-loader's, line for line.
import { Root, type IConversionOptions, type INamespace, type Type } from 'protobufjs/light';

/** One RPC method as proto-loader describes it, with its message types by full name. */
export interface MethodDescriptor {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  originalName: string;
  options: Record<string, unknown>;
  requestType: string;
  responseType: string;
}

/** What the build precompiles: the parse options it used, the types as protobufjs JSON, the services' methods. */
export interface PrecompiledProtos {
  parseOptions: { keepCase: boolean };
  root: INamespace;
  services: Record<string, Record<string, MethodDescriptor>>;
  /** Per request or response type: the outermost messages and enums (full names) it needs, itself included. */
  closures: Record<string, string[]>;
}

/** A method definition as @grpc/grpc-js's loadPackageDefinition reads it. */
export interface MethodDefinition {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  requestSerialize: (value: unknown) => Buffer;
  requestDeserialize: (bytes: Buffer) => unknown;
  responseSerialize: (value: unknown) => Buffer;
  responseDeserialize: (bytes: Buffer) => unknown;
  originalName: string;
  options: Record<string, unknown>;
}

/** The loader options etcd3 passes to loadSync (proto-loader's Options: parse and conversion options). */
export type LoaderOptions = IConversionOptions & { keepCase?: boolean };

/** A package definition of the services only, for grpc.loadPackageDefinition. */
export function packageDefinition(protos: PrecompiledProtos, options: LoaderOptions): Record<string, Record<string, MethodDefinition>> {
  // Field names were fixed when the build parsed the files; a caller asking for other names needs a rebuild.
  if (Boolean(options.keepCase) !== protos.parseOptions.keepCase) {
    throw new Error(`etcd3's protos were precompiled with keepCase ${protos.parseOptions.keepCase}; update scripts/etcd3-protos.mjs`);
  }
  const types = new Map<string, Type>();
  const type = (name: string): Type => {
    let found = types.get(name);
    if (!found) types.set(name, (found = Root.fromJSON(subset(protos.root, protos.closures[name] ?? [name])).lookupType(name)));
    return found;
  };
  const serializer = (name: string) => (value: unknown) => {
    const cls = type(name);
    if (Array.isArray(value)) throw new Error(`Failed to serialize message: expected object with ${cls.name} structure, got array instead`);
    // protobufjs writes into a Buffer under Node, as proto-loader returns it.
    return cls.encode(cls.fromObject(value as Record<string, unknown>)).finish() as Buffer;
  };
  const deserializer = (name: string) => (bytes: Buffer) => {
    const cls = type(name);
    return cls.toObject(cls.decode(bytes), options);
  };
  const definition: Record<string, Record<string, MethodDefinition>> = {};
  for (const [service, methods] of Object.entries(protos.services)) {
    const out: Record<string, MethodDefinition> = {};
    for (const [name, m] of Object.entries(methods)) {
      out[name] = {
        path: m.path,
        requestStream: m.requestStream,
        responseStream: m.responseStream,
        requestSerialize: serializer(m.requestType),
        requestDeserialize: deserializer(m.requestType),
        responseSerialize: serializer(m.responseType),
        responseDeserialize: deserializer(m.responseType),
        originalName: m.originalName,
        options: m.options,
      };
    }
    definition[service] = out;
  }
  return definition;
}

/** The part of a JSON descriptor that holds the given top-level definitions (full names) and their namespaces. */
function subset(root: INamespace, names: string[]): INamespace {
  const out: INamespace = {};
  for (const name of names) {
    const path = name.split('.');
    let from: INamespace = root;
    let to = out;
    for (const part of path.slice(0, -1)) {
      from = from.nested?.[part] as INamespace;
      const nested = (to.nested ??= {});
      to = (nested[part] ??= { ...from, nested: {} }) as INamespace;
    }
    const last = path[path.length - 1];
    (to.nested ??= {})[last] = from.nested?.[last] as INamespace;
  }
  return out;
}
