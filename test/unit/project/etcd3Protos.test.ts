// The bundles give etcd3 a package definition built from protos precompiled at build time
// (scripts/etcd3-protos.mjs, scripts/etcd3-grpc-definition.ts) instead of proto-loader's loadSync of the
// .proto text. Pinned here against proto-loader itself, as etcd3 calls it: the same services and methods, and
// for every method the same bytes out and the same objects back, on messages with every field set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Enum, Root, Type, type Field } from 'protobufjs';
import { packageDefinition, type MethodDefinition } from '../../../scripts/etcd3-grpc-definition';

const etcd3Require = createRequire(require.resolve('etcd3'));
const RPC_PROTO = join(dirname(etcd3Require.resolve('etcd3/package.json')), 'proto', 'rpc.proto');

type Definition = Record<string, Record<string, MethodDefinition> | { format: string }>;

async function load(): Promise<{ reference: Definition; ours: Definition; root: Root }> {
  const { ETCD3_LOADER_OPTIONS, precompileEtcd3Protos } = await import('../../../scripts/etcd3-protos.mjs');
  const loader = etcd3Require('@grpc/proto-loader') as { loadSync: (file: string, options: object) => Definition };
  const protos = precompileEtcd3Protos();
  return {
    reference: loader.loadSync(RPC_PROTO, ETCD3_LOADER_OPTIONS),
    ours: packageDefinition(protos, ETCD3_LOADER_OPTIONS),
    root: Root.fromJSON(protos.root),
  };
}

/** A value for one field: every scalar non-default, enums their last value, messages nested a few levels. */
function value(field: Field, depth: number): unknown {
  const type = field.resolve().resolvedType;
  if (type instanceof Type) return depth < 3 ? sample(type, depth + 1) : {};
  if (type instanceof Enum) return Object.keys(type.values).at(-1);
  switch (field.type) {
    case 'string':
      return `${field.name}-é`;
    case 'bytes':
      return Buffer.from(`${field.name}\u0000\u00ff`);
    case 'bool':
      return true;
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      return '9007199254740993'; // above 2^53: must survive as a string
    case 'double':
    case 'float':
      return 1.5;
    default:
      return 7;
  }
}

/** A message with every field set (the first member of each oneof). */
function sample(type: Type, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    if (field.partOf && field.partOf.fieldsArray[0] !== field) continue;
    if (field.map) out[field.name] = { key: value(field, depth) };
    else out[field.name] = field.repeated ? [value(field, depth), value(field, depth)] : value(field, depth);
  }
  return out;
}

const isService = (d: Definition[string]): d is Record<string, MethodDefinition> => !('format' in d);

test("the precompiled definition has proto-loader's services and methods", async () => {
  const { reference, ours } = await load();
  const services = Object.keys(reference).filter((name) => isService(reference[name]));
  assert.deepEqual(Object.keys(ours).sort(), services.sort());
  for (const name of services) {
    const ref = reference[name] as Record<string, MethodDefinition>;
    const our = ours[name] as Record<string, MethodDefinition>;
    assert.deepEqual(Object.keys(our).sort(), Object.keys(ref).sort(), name);
    for (const [method, m] of Object.entries(ref)) {
      const { path, requestStream, responseStream, originalName, options } = our[method];
      assert.deepEqual(
        { path, requestStream, responseStream, originalName, options },
        {
          path: m.path,
          requestStream: m.requestStream,
          responseStream: m.responseStream,
          originalName: m.originalName,
          options: m.options,
        },
        `${name}.${method}`,
      );
    }
  }
});

test('every method serializes and deserializes as proto-loader does', async () => {
  const { reference, ours, root } = await load();
  let checked = 0;
  for (const [name, service] of Object.entries(reference)) {
    if (!isService(service)) continue;
    const reflected = root.lookupService(name);
    for (const [method, ref] of Object.entries(service)) {
      const our = (ours[name] as Record<string, MethodDefinition>)[method];
      const m = reflected.methods[method];
      m.resolve();
      for (const [kind, type] of [
        ['request', m.resolvedRequestType],
        ['response', m.resolvedResponseType],
      ] as const) {
        const message = sample(type as Type);
        const serialize = kind === 'request' ? 'requestSerialize' : 'responseSerialize';
        const deserialize = kind === 'request' ? 'requestDeserialize' : 'responseDeserialize';
        const bytes = ref[serialize](message);
        assert.ok(bytes.length > 0 || (type as Type).fieldsArray.length === 0, `${name}.${method} ${kind}: the sample sets fields`);
        assert.deepEqual(our[serialize](message), bytes, `${name}.${method} ${kind} bytes`);
        assert.deepEqual(our[deserialize](bytes), ref[deserialize](bytes), `${name}.${method} ${kind} object`);
        assert.throws(() => our[serialize]([]), { message: /expected object with .* structure, got array instead/ });
        checked++;
      }
    }
  }
  assert.ok(checked > 50, `${checked} request and response types checked`);
});

test('a caller asking for other field names than the build parsed with is refused, not served wrong names', async () => {
  const { precompileEtcd3Protos } = await import('../../../scripts/etcd3-protos.mjs');
  assert.throws(() => packageDefinition(precompileEtcd3Protos(), { keepCase: false }), /precompiled with keepCase true/);
});
