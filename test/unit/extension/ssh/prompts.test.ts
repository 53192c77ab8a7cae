// The pure half of the extension's SSH prompts: the SecretStorage keys name the cluster and the key file or
// login, members sharing a host ask its unknown key once (and never two dialogs at a time), a trust is kept
// for the session while a refusal holds only until the next command, and the login an authentication error
// names is read back to offer a password for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  OneQuestionAtATime,
  hostKeyQuestion,
  hostKeyQuestionKey,
  forgetSshSecrets,
  passphraseKey,
  sshPasswordKey,
  storeSshSecret,
} from '../../../../src/extension/ssh/prompts';

test('secret keys name the cluster and the key file or the login; clusters do not share them', () => {
  assert.equal(passphraseKey('prod', '/home/me/.ssh/id_ed25519'), 'etcdInspector.ssh.passphrase/prod//home/me/.ssh/id_ed25519');
  assert.equal(sshPasswordKey('prod', { user: 'core', host: '10.0.0.1', port: 22 }), 'etcdInspector.ssh.password/prod/core@10.0.0.1:22');
  assert.notEqual(passphraseKey('prod', '/k'), passphraseKey('staging', '/k'));
  assert.notEqual(
    sshPasswordKey('prod', { user: 'core', host: 'h', port: 22 }),
    sshPasswordKey('prod', { user: 'root', host: 'h', port: 22 }),
  );
});

/** A question that counts how often it was put and answers when told to. */
function question<T>(): { ask: () => Promise<T>; asked: () => number; answer: (v: T) => void; open: () => number } {
  let asked = 0;
  let open = 0;
  const waiting: ((v: T) => void)[] = [];
  return {
    ask: () => {
      asked++;
      open++;
      return new Promise<T>((resolve) =>
        waiting.push((v) => {
          open--;
          resolve(v);
        }),
      );
    },
    asked: () => asked,
    answer: (v) => waiting.shift()?.(v),
    open: () => open,
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('members on the same host ask its unknown key once; a trust is kept for the session', async () => {
  const gate = new OneQuestionAtATime<boolean>((trusted) => trusted);
  const q = question<boolean>();
  const key = hostKeyQuestionKey({ host: '10.0.0.1', port: 22 }, 'SHA256:abc');
  const answers = [gate.ask(key, q.ask), gate.ask(key, q.ask), gate.ask(key, q.ask)];
  await tick();
  q.answer(true);
  assert.deepEqual(await Promise.all(answers), [true, true, true]);
  assert.equal(q.asked(), 1);
  gate.forgetRefusals();
  await tick();
  assert.equal(await gate.ask(key, q.ask), true);
  assert.equal(q.asked(), 1, 'a trusted key is not asked again in the session');
});

test('a refused key is refused for the rest of the command and asked again at the next one', async () => {
  const gate = new OneQuestionAtATime<boolean>((trusted) => trusted);
  const q = question<boolean>();
  const key = hostKeyQuestionKey({ host: 'h', port: 2222 }, 'SHA256:x');
  const first = gate.ask(key, q.ask);
  await tick();
  q.answer(false);
  assert.equal(await first, false);
  assert.equal(await gate.ask(key, q.ask), false);
  assert.equal(q.asked(), 1);
  gate.forgetRefusals();
  await tick();
  const again = gate.ask(key, q.ask);
  await tick();
  q.answer(true);
  assert.equal(await again, true);
  assert.equal(q.asked(), 2);
});

test('another key, port or host is another question, put only after the one on screen is answered', async () => {
  const gate = new OneQuestionAtATime<boolean>((trusted) => trusted);
  const q = question<boolean>();
  const keys = [
    hostKeyQuestionKey({ host: 'h', port: 22 }, 'SHA256:a'),
    hostKeyQuestionKey({ host: 'h', port: 22 }, 'SHA256:b'),
    hostKeyQuestionKey({ host: 'h', port: 23 }, 'SHA256:a'),
    hostKeyQuestionKey({ host: 'g', port: 22 }, 'SHA256:a'),
  ];
  assert.equal(new Set(keys).size, 4);
  const answers = keys.map((k) => gate.ask(k, q.ask));
  for (let i = 0; i < keys.length; i++) {
    await tick();
    assert.equal(q.open(), 1, 'one dialog at a time');
    q.answer(i % 2 === 0);
  }
  assert.deepEqual(await Promise.all(answers), [true, false, true, false]);
  assert.equal(q.asked(), 4);
});

test('a question that fails is asked again, and does not block the next', async () => {
  const gate = new OneQuestionAtATime<boolean>((trusted) => trusted);
  await assert.rejects(
    gate.ask('k', () => Promise.reject(new Error('dialog gone'))),
    /dialog gone/,
  );
  await tick();
  assert.equal(await gate.ask('k', () => Promise.resolve(true)), true);
});

test('the host key question names the host, the port and the fingerprint, and where a trusted key goes', () => {
  const q = hostKeyQuestion('prod', { alias: 'etcd-a', host: '10.0.0.1', port: 2222 }, 'ssh-ed25519', 'SHA256:abcd', '/store/known_hosts');
  assert.equal(q.message, 'The host key of etcd-a (10.0.0.1) port 2222 is not known. SHA256:abcd Trust it and connect?');
  assert.match(q.detail, /Cluster "prod"/);
  assert.match(q.detail, /ssh-keygen -lf \/etc\/ssh\/ssh_host_ed25519_key\.pub/);
  assert.match(q.detail, /\/store\/known_hosts/);
  assert.match(
    hostKeyQuestion('p', { alias: 'h', host: 'h', port: 22 }, 'ecdsa-sha2-nistp256', 'SHA256:e', '/s').detail,
    /ssh_host_ecdsa_key\.pub/,
  );
  assert.match(
    hostKeyQuestion('p', { alias: 'h', host: 'h', port: 22 }, 'ssh-ed25519', 'SHA256:e', '/s').message,
    /^The host key of h port 22 /,
  );
});

/** An in-memory SecretStorage (its get/store/delete): the index logic is pure. */
function memorySecrets(): {
  map: Map<string, string>;
  get(k: string): Promise<string | undefined>;
  store(k: string, v: string): Promise<void>;
  delete(k: string): Promise<void>;
} {
  const map = new Map<string, string>();
  return {
    map,
    get: async (k) => map.get(k),
    store: async (k, v) => void map.set(k, v),
    delete: async (k) => void map.delete(k),
  };
}

test('removing a cluster forgets its SSH passphrases and passwords, and only its own', async () => {
  const secrets = memorySecrets();
  const hop = { user: 'ops', host: '10.0.0.1', port: 22 };
  await storeSshSecret(secrets, 'prod', passphraseKey('prod', '/home/ops/.ssh/id_ed25519'), 'pp');
  await storeSshSecret(secrets, 'prod', sshPasswordKey('prod', hop), 'pw');
  await storeSshSecret(secrets, 'prod', sshPasswordKey('prod', hop), 'pw2'); // stored again: one index entry
  await storeSshSecret(secrets, 'staging', sshPasswordKey('staging', hop), 'other');
  secrets.map.set('etcdInspector.password/prod/root', 'etcd'); // the etcd password is removed by its own key
  assert.equal(await forgetSshSecrets(secrets, 'prod'), 2);
  assert.deepEqual([...secrets.map.keys()].sort(), [
    'etcdInspector.password/prod/root',
    'etcdInspector.ssh.index/staging',
    sshPasswordKey('staging', hop),
  ]);
  assert.equal(await forgetSshSecrets(secrets, 'prod'), 0, 'nothing left to forget');
  // A damaged index forgets nothing it cannot name, and does not throw.
  secrets.map.set('etcdInspector.ssh.index/staging', '{not json');
  assert.equal(await forgetSshSecrets(secrets, 'staging'), 0);
});
