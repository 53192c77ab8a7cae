// Types of what scripts/etcd3-protos.mjs exports (esbuild.config.mjs and the tests use it).
import type { Plugin } from 'esbuild';
import type { Root } from 'protobufjs';
import type { LoaderOptions, MethodDescriptor } from './etcd3-grpc-definition';

export declare const ETCD3_LOADER_OPTIONS: LoaderOptions;
/** The methods etcd Inspector calls, "etcdserverpb.KV/Range" (src/etcd/grpc/used-methods.json). */
export declare const USED_METHODS: Set<string>;
export declare function parseEtcd3Protos(options?: { all?: boolean }): {
  root: Root;
  services: Record<string, Record<string, MethodDescriptor>>;
};
export declare function precompiledProtosModule(options?: { all?: boolean }): string;
export declare function etcd3Protos(): Plugin;
