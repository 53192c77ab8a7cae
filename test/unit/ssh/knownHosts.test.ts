// known_hosts as OpenSSH reads it: [host]:port names, hashed entries, wildcards and negation, markers,
// broken lines skipped; the verdicts (known, unknown, changed, revoked, cert-authority only); fingerprints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, generateKeyPairSync } from 'node:crypto';
import { fingerprint, hostKeyName, knownHostsEntry, knownKeyTypes, parseKnownHosts, verifyHostKey } from '../../../src/ssh/knownHosts';

/** An ssh-ed25519 key blob: string "ssh-ed25519", string <32 bytes>. */
function ed25519Blob(): Buffer {
  const raw = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const str = (b: Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]);
}
const line = (hosts: string, key: Buffer, marker = ''): string =>
  `${marker ? `${marker} ` : ''}${hosts} ssh-ed25519 ${key.toString('base64')}`;

test('names and fingerprints as OpenSSH writes them', () => {
  const key = ed25519Blob();
  assert.equal(hostKeyName('h', 22), 'h');
  assert.equal(hostKeyName('h', 2222), '[h]:2222');
  assert.equal(fingerprint(key), `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`);
  assert.equal(knownHostsEntry('10.0.0.1', 2222, key), line('[10.0.0.1]:2222', key));
});

test('verdicts: known by plain, hashed, wildcard; negation excludes; other port unknown; changed; revoked; cert-authority only', () => {
  const key = ed25519Blob();
  const other = ed25519Blob();
  const salt = Buffer.from('0123456789abcdefghij');
  const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('[db.example]:2222').digest('base64')}`;
  const lines = parseKnownHosts(
    [
      '# comment',
      'garbage line',
      line('a.example,10.0.0.1', key),
      line(hashed, key),
      line('*.wild.example,!bad.wild.example', key),
      line('changed.example', other),
      line('*', other, '@revoked'),
      line('ca.example', key, '@cert-authority'),
      'broken.example ssh-ed25519 AAAAC3NzaC1yc2E=',
    ].join('\n'),
    'kh',
  );
  assert.equal(lines.length, 6, 'the comment, the garbage and the mismatched key type are skipped');
  assert.deepEqual(verifyHostKey(lines, 'a.example', 22, key), { kind: 'known', source: 'kh:3' });
  assert.deepEqual(verifyHostKey(lines, '10.0.0.1', 22, key).kind, 'known');
  assert.deepEqual(verifyHostKey(lines, 'db.example', 2222, key).kind, 'known', 'hashed [host]:port');
  assert.deepEqual(verifyHostKey(lines, 'db.example', 22, key).kind, 'unknown', 'the hashed name carries the port');
  assert.deepEqual(verifyHostKey(lines, 'x.wild.example', 22, key).kind, 'known');
  assert.deepEqual(verifyHostKey(lines, 'bad.wild.example', 22, key), { kind: 'unknown', certAuthorityOnly: false });
  const changed = verifyHostKey(lines, 'a.example', 22, ed25519Blob());
  assert.equal(changed.kind, 'changed');
  assert.deepEqual(changed.kind === 'changed' && changed.knownFingerprints, [`ssh-ed25519 ${fingerprint(key)}`]);
  assert.deepEqual(verifyHostKey(lines, 'changed.example', 22, other), { kind: 'revoked', source: 'kh:7' }, 'revoked wins over known');
  assert.deepEqual(verifyHostKey(lines, 'ca.example', 22, ed25519Blob()), { kind: 'unknown', certAuthorityOnly: true });
  assert.deepEqual(knownKeyTypes(lines, 'a.example', 22), ['ssh-ed25519']);
});
