// One TLS context per set of file contents: connections with the same files share it, other contents (a
// rotated key) get their own, and bad material throws as Node's own does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { secureContextOf } from '../../../src/etcd/tlsContext';

const pem = (): Buffer =>
  Buffer.from(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));

test('the same contents give the same context, whoever read them; other contents another', () => {
  const key = pem();
  const first = secureContextOf({ key });
  assert.equal(secureContextOf({ key: Buffer.from(key) }), first, 'a second read of the same file');
  assert.notEqual(secureContextOf({ key: pem() }), first, 'a rotated key');
  assert.notEqual(secureContextOf({}), first);
  assert.equal(secureContextOf({}), secureContextOf({ ca: undefined, cert: undefined, key: undefined }));
});

test('material Node refuses throws', () => {
  assert.throws(() => secureContextOf({ key: Buffer.from('not a key') }));
});
