// The bundles give etcd3 a package definition built from protos compiled at build time
// (scripts/etcd3-protos.mjs, scripts/etcd3-grpc-definition.ts): protobufjs's generated encoders, decoders and
// converters emitted as ordinary functions, instead of proto-loader's loadSync of the .proto text and
// protobufjs's `new Function` at run time. Pinned here against proto-loader itself, as etcd3 calls it: the
// same services and methods, and for every method the same bytes out and the same objects back, on messages
// with every field set and on real etcd messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { compileFunction } from 'node:vm';
import { Enum, Root, Type, type Field } from 'protobufjs';
import { packageDefinition, type MethodDefinition, type PrecompiledProtos } from '../../../scripts/etcd3-grpc-definition';
import { etcdMethods } from '../../../src/etcd/grpc/methods';

const etcd3Require = createRequire(require.resolve('etcd3'));
const RPC_PROTO = join(dirname(etcd3Require.resolve('etcd3/package.json')), 'proto', 'rpc.proto');

type Definition = Record<string, Record<string, MethodDefinition> | { format: string }>;

/** The module the bundles get, run as esbuild's bundle runs it; it may require only protobufjs/minimal and the runtime. */
function runModule(source: string): { protos: PrecompiledProtos } {
  const exports = {};
  const required: string[] = [];
  const restricted = (id: string): unknown => {
    required.push(id);
    if (!/[\\/]protobufjs[\\/]minimal\.js$|[\\/]scripts[\\/]etcd3-grpc-definition\.ts$/.test(id))
      throw new Error(`the module requires ${id}`);
    return createRequire(__filename)(id) as unknown;
  };
  compileFunction(source, ['exports', 'require'])(exports, restricted);
  assert.equal(required.length, 2, required.join(', '));
  return exports as { protos: PrecompiledProtos };
}

async function loadAll(): Promise<{ reference: Definition; ours: Definition; root: Root; protos: PrecompiledProtos; source: string }> {
  const { ETCD3_LOADER_OPTIONS, parseEtcd3Protos, precompiledProtosModule } = await import('../../../scripts/etcd3-protos.mjs');
  const loader = etcd3Require('@grpc/proto-loader') as { loadSync: (file: string, options: object) => Definition };
  // Every method of etcd's API, not only those the bundles carry: the generator is checked on every type.
  const source = precompiledProtosModule({ all: true });
  const { protos } = runModule(source);
  return {
    reference: loader.loadSync(RPC_PROTO, ETCD3_LOADER_OPTIONS),
    ours: packageDefinition(protos, ETCD3_LOADER_OPTIONS),
    // Through JSON: this file's protobufjs classes, whichever copy proto-loader loaded.
    root: Root.fromJSON(parseEtcd3Protos().root.toJSON()),
    protos,
    source,
  };
}

let loaded: ReturnType<typeof loadAll> | undefined;
const load = () => (loaded ??= loadAll());

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
  const { protos } = await load();
  assert.throws(() => packageDefinition(protos, { keepCase: false }), /precompiled with keepCase true/);
});

test('no code is generated at run time: the module is ordinary functions over protobufjs/minimal', async () => {
  const { source, protos } = await load();
  // runModule() already refused any require but protobufjs/minimal and the runtime.
  assert.doesNotMatch(source, /\bFunction\s*\(|\beval\s*\(|codegen/);
  const range = protos.types['etcdserverpb.RangeRequest'];
  assert.equal(typeof range.encode, 'function');
  assert.match(String(range.encode), /^function RangeRequest\$encode\(m,w,q\)/);
});

const BIG = '9007199254740993'; // above 2^53: a number would round it
const HEADER = { cluster_id: '14841639068965178418', member_id: '10276657743932975437', revision: BIG, raft_term: '7' };
const KEY = Buffer.from('/registry/pods/default/web-0');

/** A real etcd message, the method that carries it, and what its decoded form must hold whatever proto-loader says. */
interface RealMessage {
  what: string;
  service: string;
  method: string;
  kind: 'request' | 'response';
  message: Record<string, unknown>;
  check: (decoded: Record<string, any>) => void; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const REAL_MESSAGES: RealMessage[] = [
  {
    what: 'RangeRequest with bytes keys, a limit and an int64 revision',
    service: 'etcdserverpb.KV',
    method: 'Range',
    kind: 'request',
    message: {
      key: KEY,
      range_end: Buffer.from('/registry/pods/default0'),
      limit: 500,
      revision: BIG,
      sort_order: 'Descend',
      sort_target: 'Mod',
      keys_only: true,
    },
    check: (d) => {
      assert.deepEqual(d.key, KEY);
      assert.deepEqual(
        [d.limit, d.revision, d.sort_order, d.sort_target, d.keys_only, d.serializable],
        ['500', BIG, 'Descend', 'Mod', true, false],
      );
    },
  },
  {
    what: 'RangeResponse with kvs and int64 revisions',
    service: 'etcdserverpb.KV',
    method: 'Range',
    kind: 'response',
    message: {
      header: HEADER,
      kvs: [
        { key: KEY, value: Buffer.from('{"kind":"Pod"}'), create_revision: '5', mod_revision: BIG, version: 3, lease: '0' },
        { key: Buffer.from('/registry/pods/default/web-1'), value: Buffer.alloc(0), create_revision: 6, mod_revision: 6, version: '1' },
      ],
      more: true,
      count: 2,
    },
    check: (d) => {
      assert.deepEqual(d.header, HEADER);
      assert.deepEqual([d.count, d.more, d.kvs.length], ['2', true, 2]);
      assert.deepEqual(d.kvs[0], {
        key: KEY,
        value: Buffer.from('{"kind":"Pod"}'),
        create_revision: '5',
        mod_revision: BIG,
        version: '3',
        lease: '0',
      });
      assert.deepEqual(d.kvs[1].value, Buffer.alloc(0));
    },
  },
  {
    what: 'StatusResponse with header, dbSize and errors',
    service: 'etcdserverpb.Maintenance',
    method: 'Status',
    kind: 'response',
    message: {
      header: HEADER,
      version: '3.5.17',
      dbSize: '25165824',
      leader: '10276657743932975437',
      raftIndex: 1234,
      raftTerm: '7',
      raftAppliedIndex: '1234',
      errors: ['etcdserver: mvcc: database space exceeded', 'etcdserver: no leader'],
      dbSizeInUse: 12582912,
      isLearner: false,
    },
    check: (d) => {
      assert.deepEqual(
        [d.version, d.dbSize, d.dbSizeInUse, d.leader, d.raftIndex, d.isLearner],
        ['3.5.17', '25165824', '12582912', '10276657743932975437', '1234', false],
      );
      assert.deepEqual(d.errors, ['etcdserver: mvcc: database space exceeded', 'etcdserver: no leader']);
    },
  },
  {
    what: 'MemberListResponse with repeated members and a learner',
    service: 'etcdserverpb.Cluster',
    method: 'MemberList',
    kind: 'response',
    message: {
      header: HEADER,
      members: [
        {
          ID: '10276657743932975437',
          name: 'etcd-1',
          peerURLs: ['https://10.0.0.1:2380'],
          clientURLs: ['https://10.0.0.1:2379', 'https://etcd-1:2379'],
        },
        { ID: '2', name: '', peerURLs: ['https://10.0.0.4:2380'], isLearner: true },
      ],
    },
    check: (d) => {
      assert.deepEqual(d.members[0], {
        ID: '10276657743932975437',
        name: 'etcd-1',
        peerURLs: ['https://10.0.0.1:2380'],
        clientURLs: ['https://10.0.0.1:2379', 'https://etcd-1:2379'],
        isLearner: false,
      });
      assert.deepEqual(d.members[1], { ID: '2', name: '', peerURLs: ['https://10.0.0.4:2380'], clientURLs: [], isLearner: true });
    },
  },
  {
    what: 'AlarmResponse with the AlarmType enum, by name and by number',
    service: 'etcdserverpb.Maintenance',
    method: 'Alarm',
    kind: 'response',
    message: {
      header: HEADER,
      alarms: [{ memberID: '10276657743932975437', alarm: 'Nospace' }, { memberID: 1, alarm: 2 }, { memberID: 3 }],
    },
    check: (d) => {
      assert.deepEqual(d.alarms, [
        { memberID: '10276657743932975437', alarm: 'Nospace' },
        { memberID: '1', alarm: 'Corrupt' },
        { memberID: '3', alarm: 'None' },
      ]);
    },
  },
  {
    what: 'AlarmRequest with an action and an alarm',
    service: 'etcdserverpb.Maintenance',
    method: 'Alarm',
    kind: 'request',
    message: { action: 'Deactivate', memberID: '10276657743932975437', alarm: 'Nospace' },
    check: (d) => assert.deepEqual(d, { action: 'Deactivate', memberID: '10276657743932975437', alarm: 'Nospace' }),
  },
  {
    what: 'TxnRequest: Compare with oneof target_union, RequestOp with oneof request_put/request_range',
    service: 'etcdserverpb.KV',
    method: 'Txn',
    kind: 'request',
    message: {
      compare: [
        { result: 'Equal', target: 'Mod', key: KEY, mod_revision: '42' },
        { result: 'NotEqual', target: 'Value', key: KEY, value: Buffer.from('old') },
        { result: 'Greater', target: 'Lease', key: KEY, lease: BIG, range_end: Buffer.from([0]) },
      ],
      success: [{ request_put: { key: KEY, value: Buffer.from('new'), lease: BIG, prev_kv: true } }],
      failure: [{ request_range: { key: KEY, limit: 1 } }],
    },
    check: (d) => {
      const [mod, value, lease] = d.compare;
      assert.deepEqual([mod.target_union, mod.mod_revision, mod.target, mod.result], ['mod_revision', '42', 'Mod', 'Equal']);
      assert.deepEqual([value.target_union, value.value, value.result], ['value', Buffer.from('old'), 'NotEqual']);
      assert.deepEqual([lease.target_union, lease.lease, lease.range_end], ['lease', BIG, Buffer.from([0])]);
      // Only the member that is set, never the others' defaults.
      assert.ok(!('version' in mod) && !('value' in mod) && !('mod_revision' in value));
      assert.deepEqual(
        [d.success[0].request, d.success[0].request_put.lease, d.success[0].request_put.prev_kv],
        ['request_put', BIG, true],
      );
      assert.ok(!('request_range' in d.success[0]));
      assert.deepEqual([d.failure[0].request, d.failure[0].request_range.limit], ['request_range', '1']);
    },
  },
  {
    what: 'TxnResponse with oneof response_put/response_range',
    service: 'etcdserverpb.KV',
    method: 'Txn',
    kind: 'response',
    message: {
      header: HEADER,
      succeeded: true,
      responses: [
        { response_put: { header: HEADER, prev_kv: { key: KEY, mod_revision: 41 } } },
        { response_range: { header: HEADER, count: 0 } },
      ],
    },
    check: (d) => {
      assert.equal(d.succeeded, true);
      assert.deepEqual([d.responses[0].response, d.responses[0].response_put.prev_kv.mod_revision], ['response_put', '41']);
      assert.deepEqual(
        [d.responses[1].response, d.responses[1].response_range.kvs, d.responses[1].response_range.count],
        ['response_range', [], '0'],
      );
    },
  },
  {
    what: 'an empty StatusResponse: the defaults',
    service: 'etcdserverpb.Maintenance',
    method: 'Status',
    kind: 'response',
    message: {},
    check: (d) => {
      assert.deepEqual(
        [d.header, d.version, d.dbSize, d.leader, d.raftIndex, d.errors, d.dbSizeInUse, d.isLearner],
        [null, '', '0', '0', '0', [], '0', false],
      );
    },
  },
  {
    what: 'an empty RangeRequest: the defaults, bytes as Buffers and enums by name',
    service: 'etcdserverpb.KV',
    method: 'Range',
    kind: 'request',
    message: {},
    check: (d) => {
      assert.deepEqual([d.key, d.range_end], [Buffer.alloc(0), Buffer.alloc(0)]);
      assert.deepEqual([d.limit, d.revision, d.sort_order, d.sort_target], ['0', '0', 'None', 'Key']);
    },
  },
  {
    what: 'an empty AlarmRequest: enums default to their first name',
    service: 'etcdserverpb.Maintenance',
    method: 'Alarm',
    kind: 'request',
    message: {},
    check: (d) => assert.deepEqual(d, { action: 'Get', memberID: '0', alarm: 'None' }),
  },
  {
    what: 'a Txn with an empty Compare: no oneof member, nor its virtual name',
    service: 'etcdserverpb.KV',
    method: 'Txn',
    kind: 'request',
    message: { compare: [{}] },
    check: (d) => {
      assert.deepEqual(d.compare, [{ result: 'Equal', target: 'Version', key: Buffer.alloc(0), range_end: Buffer.alloc(0) }]);
      assert.deepEqual([d.success, d.failure], [[], []]);
    },
  },
  {
    what: 'StatusRequest (no fields)',
    service: 'etcdserverpb.Maintenance',
    method: 'Status',
    kind: 'request',
    message: {},
    check: (d) => assert.deepEqual(d, {}),
  },
];

for (const real of REAL_MESSAGES) {
  test(`${real.what}: the same bytes and the same object as proto-loader`, async () => {
    const { reference, ours } = await load();
    const ref = (reference[real.service] as Record<string, MethodDefinition>)[real.method];
    const our = (ours[real.service] as Record<string, MethodDefinition>)[real.method];
    const [serialize, deserialize] =
      real.kind === 'request'
        ? (['requestSerialize', 'requestDeserialize'] as const)
        : (['responseSerialize', 'responseDeserialize'] as const);
    const bytes = our[serialize](real.message);
    assert.ok(Buffer.isBuffer(bytes));
    assert.deepEqual(bytes, ref[serialize](real.message));
    const decoded = our[deserialize](bytes) as Record<string, unknown>;
    assert.deepEqual(decoded, ref[deserialize](bytes));
    real.check(decoded);
  });
}

test('the bundles carry the methods etcd Inspector calls and the types they need, no more', async () => {
  const { precompiledProtosModule, USED_METHODS } = await import('../../../scripts/etcd3-protos.mjs');
  const { protos } = runModule(precompiledProtosModule());
  const carried = Object.entries(protos.services).flatMap(([service, methods]) => Object.keys(methods).map((m) => `${service}/${m}`));
  assert.deepEqual(carried.sort(), [...USED_METHODS].sort());
  const { protos: every } = await load();
  assert.ok(Object.keys(protos.types).length < Object.keys(every.types).length / 2, `${Object.keys(protos.types).length} types`);
  // Run from source, the client gets the same methods, and no other.
  const fromSource = Object.entries(etcdMethods()).flatMap(([service, methods]) => Object.keys(methods).map((m) => `${service}/${m}`));
  assert.deepEqual(fromSource.sort(), carried.sort());
});
