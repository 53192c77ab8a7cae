// What src/etcd/grpc/methods.ts gives in the bundles instead of `@grpc/proto-loader`'s loadSync('rpc.proto'):
// the build (scripts/etcd3-protos.mjs) parses etcd3's .proto files once, has protobufjs's own generators write
// the encode, decode, fromObject and toObject of every message type the used methods need, and emits them as
// ordinary functions, with the method table, in the bundle; this module makes the package definition of them
// (proto-loader's shape). Nothing is parsed or generated at start: proto-loader parses the .proto text and
// builds descriptors of all 106 types (about 80 ms of every start of `status`), and protobufjs then compiles
// each type's functions with `new Function` on first use (about 35 ms more).
//
// The client (src/etcd/grpc/channel.ts) reads only a method's path and serializers; the message and enum
// definitions and the file descriptors proto-loader adds are for server reflection, so they are left out.
// Serialization is proto-loader's, line for line.
import type { IConversionOptions } from 'protobufjs';

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

/** A message type's functions as protobufjs's Type.setup would generate them (called as methods: they read `this.ctor`). */
export interface MessageType {
  name: string;
  encode(message: object): { finish(): Uint8Array };
  decode(bytes: Uint8Array): object;
  fromObject(object: object): object;
  toObject(message: object, options: IConversionOptions): Record<string, unknown>;
}

/** What the build emits: the parse options it used, the services' methods, the message types by full name. */
export interface PrecompiledProtos {
  parseOptions: { keepCase: boolean };
  services: Record<string, Record<string, MethodDescriptor>>;
  types: Record<string, MessageType>;
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
  const serializer = (cls: MessageType) => (value: unknown) => {
    if (Array.isArray(value)) throw new Error(`Failed to serialize message: expected object with ${cls.name} structure, got array instead`);
    // protobufjs writes into a Buffer under Node, as proto-loader returns it.
    return cls.encode(cls.fromObject(value as object)).finish() as Buffer;
  };
  const deserializer = (cls: MessageType) => (bytes: Buffer) => cls.toObject(cls.decode(bytes), options);
  const definition: Record<string, Record<string, MethodDefinition>> = {};
  for (const [service, methods] of Object.entries(protos.services)) {
    const out: Record<string, MethodDefinition> = {};
    for (const [name, m] of Object.entries(methods)) {
      const request = protos.types[m.requestType];
      const response = protos.types[m.responseType];
      out[name] = {
        path: m.path,
        requestStream: m.requestStream,
        responseStream: m.responseStream,
        requestSerialize: serializer(request),
        requestDeserialize: deserializer(request),
        responseSerialize: serializer(response),
        responseDeserialize: deserializer(response),
        originalName: m.originalName,
        options: m.options,
      };
    }
    definition[service] = out;
  }
  return definition;
}
