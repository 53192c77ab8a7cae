// Types of what scripts/etcd3-protos.mjs exports (esbuild.config.mjs and the tests use it).
import type { Plugin } from 'esbuild';
import type { LoaderOptions, PrecompiledProtos } from './etcd3-grpc-definition';

export declare const ETCD3_LOADER_OPTIONS: LoaderOptions;
export declare function precompileEtcd3Protos(): PrecompiledProtos;
export declare function etcd3Protos(): Plugin;
