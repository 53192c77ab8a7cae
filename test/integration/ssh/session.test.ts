// SSH to a real OpenSSH server on loopback (test/harness/sshd.ts), nothing mocked: host keys known in every
// form known_hosts writes them (plain, hashed, [host]:port), unknown (put to the policy, refused when it
// says no), changed (refused, both fingerprints named), revoked (refused even though also listed as known),
// @cert-authority only (reported as unsupported), an unreadable known_hosts (fails closed); ProxyJump through
// a second sshd with each hop checked under its own name; commands with a deadline and sudo -n; a hostile
// member name quoted harmlessly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sshd, keyPair } from '../../harness/sshd';
import { SshSession, SshError, type SessionOptions } from '../../../src/ssh/session';
import { fingerprint } from '../../../src/ssh/knownHosts';
import { resolveTarget, type SshOptions } from '../../../src/ssh/target';
import { commandFor, outputOf, render } from '../../../src/ssh/commands';

let sshd: Sshd;
before(async () => {
  sshd = await Sshd.start();
});
after(async () => {
  await sshd?.stop();
});

const refuseUnknown: SessionOptions['onUnknownHostKey'] = async () => false;

function optionsFor(knownHostsFile: string, extra: Partial<SshOptions> = {}): SshOptions {
  return { port: sshd.port, identityFile: sshd.userKey.file, knownHostsFile, sshConfig: false, ...extra };
}

async function open(knownHostsFile: string, policy = refuseUnknown, extra: Partial<SshOptions> = {}): Promise<SshSession> {
  const target = await resolveTarget('127.0.0.1', optionsFor(knownHostsFile, extra), null);
  return SshSession.open(target, { credentials: { agent: null }, onUnknownHostKey: policy, connectTimeoutMs: 5000 });
}

async function refusal(promise: Promise<unknown>): Promise<SshError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SshError, String(error));
    return error;
  }
  assert.fail('connected, but should have been refused');
}

for (const form of ['plain', 'hashed'] as const) {
  test(`a host key known in a ${form} [host]:port entry connects and runs a command`, async () => {
    const known = sshd.writeKnownHosts(`known-${form}`, [
      '# comment',
      'other.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJk8',
      sshd.knownHostsLine(form),
    ]);
    const session = await open(known);
    try {
      const result = await session.exec('echo hello; echo oops >&2; exit 3', 5000);
      assert.deepEqual([result.code, result.stdout, result.stderr, result.timedOut], [3, 'hello\n', 'oops\n', false]);
    } finally {
      session.close();
    }
  });
}

test('an unknown host key is put to the policy with its SHA256 fingerprint; no: refused, yes: connected', async () => {
  const known = sshd.writeKnownHosts('known-empty', []);
  const asked: string[] = [];
  const no = await refusal(open(known, async (hop, _key, shown) => (asked.push(`${hop.host}:${hop.port} ${shown}`), false)));
  assert.equal(no.kind, 'host-key-unknown');
  assert.match(no.message, new RegExp(`unknown \\(${fingerprint(sshd.hostKey.blob).replace(/[+/]/g, '\\$&')}\\)`));
  assert.deepEqual(asked, [`127.0.0.1:${sshd.port} ${fingerprint(sshd.hostKey.blob)}`]);
  // ssh-keygen agrees on the fingerprint.
  const session = await open(known, async () => true);
  session.close();
});

test('the handshake deadline stops while the policy decides on an unknown key (a person reading a fingerprint)', async () => {
  const known = sshd.writeKnownHosts('known-slow', []);
  const target = await resolveTarget('127.0.0.1', optionsFor(known), null);
  const slowYes: SessionOptions['onUnknownHostKey'] = () => new Promise((resolve) => setTimeout(() => resolve(true), 1500));
  const session = await SshSession.open(target, { credentials: { agent: null }, onUnknownHostKey: slowYes, connectTimeoutMs: 700 });
  session.close();
});

test('a changed host key refuses to connect and names both fingerprints; the policy is never asked', async () => {
  const other = await keyPair(sshd.dir, 'other_host');
  const known = sshd.writeKnownHosts('known-changed', [sshd.knownHostsLine('plain', other)]);
  let asked = false;
  const error = await refusal(open(known, async () => ((asked = true), true)));
  assert.equal(error.kind, 'host-key-changed');
  assert.match(error.message, /HAS CHANGED/);
  assert.ok(error.message.includes(fingerprint(sshd.hostKey.blob)) && error.message.includes(fingerprint(other.blob)), error.message);
  assert.equal(asked, false);
});

test('a revoked host key is refused even when also listed as known', async () => {
  const known = sshd.writeKnownHosts('known-revoked', [sshd.knownHostsLine('plain'), sshd.knownHostsLine('revoked')]);
  const error = await refusal(open(known, async () => true));
  assert.equal(error.kind, 'host-key-revoked');
  assert.match(error.message, /REVOKED/);
});

test('a host vouched for only by @cert-authority is reported as not supported', async () => {
  const known = sshd.writeKnownHosts('known-ca', [sshd.knownHostsLine('cert-authority')]);
  const error = await refusal(open(known));
  assert.equal(error.kind, 'host-key-unsupported');
  assert.match(error.message, /host certificates are not supported/);
});

test('a known_hosts file that cannot be read fails closed; a configured one that is missing too', async () => {
  const known = sshd.writeKnownHosts('known-unreadable', [sshd.knownHostsLine('plain')]);
  chmodSync(known, 0o000);
  // root reads any file: make it a folder instead, which no one can read as a file.
  const asDir = join(sshd.dir, 'known-dir');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(asDir);
  for (const path of [asDir, join(sshd.dir, 'no-such-file')]) {
    const error = await refusal(open(path, async () => true));
    assert.equal(error.kind, 'known-hosts', error.message);
    assert.match(error.message, /cannot be read .*no host key is accepted/);
  }
});

test('ssh-agent: a key only the agent holds authenticates (no identity file given)', async (t) => {
  const known = sshd.writeKnownHosts('known-agent', [sshd.knownHostsLine('plain')]);
  const socket = join(sshd.dir, 'agent.sock');
  const { spawn, execFile } = await import('node:child_process');
  const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  t.after(() => void agent.kill());
  for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 50));
  await new Promise<void>((resolve, reject) =>
    execFile('ssh-add', [sshd.userKey.file], { env: { ...process.env, SSH_AUTH_SOCK: socket } }, (e) => (e ? reject(e) : resolve())),
  );
  const target = await resolveTarget('127.0.0.1', optionsFor(known, { identityFile: join(sshd.dir, 'no-such-key') }), null);
  const withAgent = await SshSession.open(target, {
    credentials: { agent: socket },
    onUnknownHostKey: refuseUnknown,
    connectTimeoutMs: 5000,
  });
  try {
    assert.equal((await withAgent.exec('echo agent', 5000)).stdout, 'agent\n');
  } finally {
    withAgent.close();
  }
  // Without the agent the same target has no credentials at all, and says so.
  const none = await refusal(
    SshSession.open(target, { credentials: { agent: null }, onUnknownHostKey: refuseUnknown, connectTimeoutMs: 5000 }),
  );
  assert.equal(none.kind, 'auth');
  assert.match(none.message, /no credentials: no ssh-agent/);
});

test('a wrong identity is refused with a clear permission-denied sentence', async () => {
  const stranger = await keyPair(sshd.dir, 'stranger');
  const known = sshd.writeKnownHosts('known-auth', [sshd.knownHostsLine('plain')]);
  const error = await refusal(open(known, refuseUnknown, { identityFile: stranger.file }));
  assert.equal(error.kind, 'auth');
  assert.match(error.message, /^SSH to \S+@127\.0\.0\.1:\d+ refused: permission denied/);
});

test("more commands at once than sshd's MaxSessions (10) on one connection: they take turns, none is refused", async () => {
  const known = sshd.writeKnownHosts('known-many', [sshd.knownHostsLine('plain')]);
  const session = await open(known);
  try {
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => session.exec(`sleep 0.2; echo ${i}`, 10_000)));
    assert.deepEqual(
      results.map((r) => [r.code, r.stdout]),
      Array.from({ length: 25 }, (_, i) => [0, `${i}\n`]),
    );
  } finally {
    session.close();
  }
});

test('a command past its deadline is stopped and says so', async () => {
  const known = sshd.writeKnownHosts('known-timeout', [sshd.knownHostsLine('plain')]);
  const session = await open(known);
  try {
    // The host ends it 1 s after the deadline (rounded up to seconds): 2 s, well before the touch at 4 s.
    const result = await session.exec(`sleep 4 && touch ${join(sshd.dir, 'survived')}`, 300);
    assert.equal(result.timedOut, true);
    assert.ok(result.tookMs < 1500, `${result.tookMs}`);
    await new Promise((r) => setTimeout(r, 4500));
    assert.equal(existsSync(join(sshd.dir, 'survived')), false, 'the command was killed, not left running');
    assert.throws(() => outputOf(result, 'logs', 'etcd-2'), /logs on etcd-2 did not finish within \d+ ms/);
  } finally {
    session.close();
  }
});

test('sudo never waits for a password: "sudo needs a password on etcd-2"', async () => {
  const known = sshd.writeKnownHosts('known-sudo', [sshd.knownHostsLine('plain')]);
  const session = await open(known);
  try {
    // A stand-in sudo that answers exactly as sudo -n does for a user without NOPASSWD.
    const fake = join(sshd.dir, 'sudo');
    writeFileSync(fake, '#!/bin/sh\necho "sudo: a password is required" >&2\nexit 1\n', { mode: 0o755 });
    const result = await session.exec(`PATH=${sshd.dir}:$PATH ${commandFor('restart', {}, {})}`, 5000);
    assert.throws(
      () => outputOf(result, 'restart', 'etcd-2'),
      (e: SshError) => e.kind === 'sudo-password' && /sudo needs a password on etcd-2/.test(e.message),
    );
  } finally {
    session.close();
  }
});

test('a hostile member name is quoted harmlessly: it reaches the command as one argument and runs nothing', async () => {
  const known = sshd.writeKnownHosts('known-hostile', [sshd.knownHostsLine('plain')]);
  const session = await open(known);
  const marker = join(sshd.dir, 'pwned');
  try {
    for (const name of [
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      `x; touch ${marker}`,
      `'; touch ${marker}; '`,
      `x\ntouch ${marker}`,
      '-rf',
    ]) {
      const line = render('printf %s {name}', { name });
      const result = await session.exec(line, 5000);
      assert.equal(result.stdout, name, line);
    }
    assert.equal(existsSync(marker), false, 'nothing ran');
  } finally {
    session.close();
  }
});

test('ProxyJump: through a second sshd, each hop checked against its own [host]:port entry', async () => {
  const jump = await Sshd.start();
  try {
    // The jump host trusts the same user key; each known_hosts line names its own port.
    writeFileSync(join(jump.dir, 'authorized_keys'), `${sshd.userKey.publicLine}\n`);
    const both = sshd.writeKnownHosts('known-jump', [sshd.knownHostsLine('plain'), jump.knownHostsLine('hashed')]);
    const options = optionsFor(both, { jumpHost: `127.0.0.1:${jump.port}` });
    // The jump hop uses the default identities; give it the test key through an ssh config.
    const config = `Host 127.0.0.1\n  IdentityFile ${sshd.userKey.file}\n`;
    const target = await resolveTarget(`127.0.0.1:${sshd.port}`, options, config);
    assert.deepEqual(
      target.hops.map((h) => h.port),
      [jump.port],
    );
    const session = await SshSession.open(target, {
      credentials: { agent: null },
      onUnknownHostKey: refuseUnknown,
      connectTimeoutMs: 5000,
    });
    try {
      assert.equal((await session.exec('echo through', 5000)).stdout, 'through\n');
    } finally {
      session.close();
    }
    assert.match(jump.logText(), /Accepted publickey/);
    // The final host's key only known under the jump host's name: refused at the second hop.
    const wrong = sshd.writeKnownHosts('known-jump-wrong', [
      jump.knownHostsLine('plain'),
      `[127.0.0.1]:${sshd.port} ${jump.hostKey.publicLine.split(' ').slice(0, 2).join(' ')}`,
    ]);
    const refused = await refusal(
      SshSession.open(await resolveTarget(`127.0.0.1:${sshd.port}`, optionsFor(wrong, { jumpHost: `127.0.0.1:${jump.port}` }), config), {
        credentials: { agent: null },
        onUnknownHostKey: refuseUnknown,
        connectTimeoutMs: 5000,
      }),
    );
    assert.equal(refused.kind, 'host-key-changed');
    assert.ok(refused.message.includes(String(sshd.port)), refused.message);
  } finally {
    await jump.stop();
  }
});
