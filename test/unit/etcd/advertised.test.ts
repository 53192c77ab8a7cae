// Which advertised URLs may be contacted, and that a password in a URL is never echoed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advertisedUrlProblem, redactUserinfo, requiredScheme } from '../../../src/etcd/advertised';
import { normalizeEndpoint } from '../../../src/etcd/profile';

test('discovered URLs keep the scheme of the given endpoints: https never falls back to http', () => {
  const tls = ['https://10.0.0.1:2379'];
  assert.equal(requiredScheme(tls), 'https:');
  assert.equal(requiredScheme(['http://10.0.0.1:2379', 'https://10.0.0.2:2379']), 'https:');
  assert.equal(requiredScheme(['http://10.0.0.1:2379']), 'http:');
  assert.equal(advertisedUrlProblem('https://10.0.0.2:2379', tls), null);
  assert.match(
    advertisedUrlProblem('http://10.0.0.2:2379', tls) ?? '',
    /over plain http while the cluster was given over https: not contacted/,
  );
  assert.match(
    advertisedUrlProblem('https://10.0.0.2:2379', ['http://10.0.0.1:2379']) ?? '',
    /over https while the endpoints given are plain http/,
  );
  assert.match(advertisedUrlProblem('unix://etcd.sock:0', tls) ?? '', /unix socket/);
  assert.match(advertisedUrlProblem('gopher://x:1', tls) ?? '', /unknown scheme/);
  assert.match(advertisedUrlProblem('https://x:1/v3/kv', tls) ?? '', /with a path/);
  assert.match(advertisedUrlProblem('not a url', tls) ?? '', /not a valid URL/);
  // A URL the user gave is always fine, whatever its scheme (the user chose it).
  assert.equal(advertisedUrlProblem('http://10.0.0.9:2379', ['https://10.0.0.1:2379', 'http://10.0.0.9:2379']), null);
  const withPassword = advertisedUrlProblem('https://u:Secret1@10.0.0.2:2379', tls) ?? '';
  assert.match(withPassword, /credentials in it/);
  assert.ok(!withPassword.includes('Secret1'));
  const long = advertisedUrlProblem(`http://${'a'.repeat(5000)}:1`, tls) ?? '';
  assert.ok(long.length < 400, 'member-controlled text is quoted at most 200 characters');
});

test('endpoints with credentials are refused and the password is never echoed', () => {
  assert.equal(redactUserinfo('http://root:pw@h:1'), 'http://root:***@h:1');
  assert.equal(redactUserinfo('http://root@h:1'), 'http://root@h:1');
  assert.throws(
    () => normalizeEndpoint('http://root:Sekrit@127.0.0.1:2379'),
    (e: Error) => !e.message.includes('Sekrit') && /credentials in the URL/.test(e.message),
  );
  assert.throws(
    () => normalizeEndpoint('http://root:Sekrit@127.0.0.1'),
    (e: Error) => !e.message.includes('Sekrit'),
  );
  assert.throws(
    () => normalizeEndpoint('http://root:Sekrit@[bad'),
    (e: Error) => !e.message.includes('Sekrit'),
  );
});
