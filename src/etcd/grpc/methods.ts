// etcd's gRPC methods with their protobuf encoders and decoders, from etcd3's rpc.proto and decoded as
// etcd3 decodes them (field names as in the .proto, 64-bit integers as decimal strings, enums by name,
// defaults filled in), so that the objects the rest of the code reads are those etcd3 returned before.
//
// Run from source (tests, tsx), the .proto files are parsed here with @grpc/proto-loader. In the bundles,
// scripts/etcd3-protos.mjs replaces this module with the encoders and decoders generated at build time:
// nothing is parsed or generated when a bundle starts.
import { dirname, join } from 'node:path';
import { loadSync } from '@grpc/proto-loader';
import used from './used-methods.json';

/** One method as proto-loader describes it: its path and its message codecs. */
export interface MethodCodec {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  requestSerialize(value: unknown): Buffer;
  responseDeserialize(bytes: Buffer): unknown;
}

/** etcd's services by full name ("etcdserverpb.KV"), each method by its name in the .proto ("Range"). */
export type EtcdMethods = Record<string, Record<string, MethodCodec>>;

/** The loader options etcd3 uses, and the bundles' generated code was made with (scripts/etcd3-protos.mjs). */
export const ETCD3_LOADER_OPTIONS = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

let loaded: EtcdMethods | undefined;

/** etcd's methods that etcd Inspector calls (used-methods.json, as in the bundles), loaded on first use. */
export function etcdMethods(): EtcdMethods {
  if (loaded) return loaded;
  const all = loadSync(join(dirname(require.resolve('etcd3/package.json')), 'proto', 'rpc.proto'), ETCD3_LOADER_OPTIONS);
  const methods: EtcdMethods = {};
  for (const name of used.methods) {
    const [service, method] = name.split('/');
    const codec = (all[service] as unknown as Record<string, MethodCodec> | undefined)?.[method];
    if (!codec) throw new Error(`${name} (used-methods.json) is not in etcd3's rpc.proto`);
    (methods[service] ??= {})[method] = codec;
  }
  loaded = methods;
  return loaded;
}
