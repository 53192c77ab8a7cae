// Which cluster discovery inspects when the given endpoints answer for different clusters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseAnswer, coversMajority, givenEndpointsCovered, type DiscoveryAnswer } from '../../../src/etcd/discovery';

const real = ['http://10.0.0.1:2379', 'http://10.0.0.2:2379', 'http://10.0.0.3:2379'];
const strangerUrl = 'http://10.0.9.9:2379';
const given = [...real, strangerUrl];
const answer = (endpoint: string, clusterId: string, clientUrls: string[]): DiscoveryAnswer => ({ endpoint, clusterId, clientUrls });
const stranger = answer(strangerUrl, 'bad', [strangerUrl]);
const members = real.map((e) => answer(e, 'good', real));
const member = (i: number): DiscoveryAnswer => members[i];

test("a stranger's endpoint that answers first is not taken while the others may still answer", () => {
  assert.equal(givenEndpointsCovered(stranger, given, [stranger]), 1);
  assert.equal(chooseAnswer(given, [stranger], false), undefined);
  assert.equal(chooseAnswer(given, [stranger, member(1)], false), member(1));
});

test('an answer whose cluster accounts for more than half of the given endpoints is taken at once', () => {
  assert.equal(chooseAnswer(real, [member(2)], false), member(2));
  assert.equal(chooseAnswer(['http://10.0.0.1:2379'], [member(0)], false), member(0));
  assert.ok(coversMajority(member(0), given, [member(0)]));
  assert.ok(!coversMajority(stranger, given, [stranger]));
});

test('members advertising other URLs (NAT) count by the endpoints that answered as their cluster', () => {
  const nattedMembers = real.map((e) => answer(e, 'good', ['http://192.168.0.1:2379']));
  const natted = (i: number): DiscoveryAnswer => nattedMembers[i];
  assert.equal(chooseAnswer(real, [natted(0)], false), undefined);
  assert.equal(chooseAnswer(real, [natted(0), natted(2)], false), natted(0));
});

test('once every attempt settled: the cluster accounting for most given endpoints, ties to the endpoint given first', () => {
  assert.equal(chooseAnswer(given, [stranger], true), stranger, 'the only cluster that answered');
  const a = answer('http://10.0.0.1:2379', 'a', ['http://10.0.0.1:2379']);
  const b = answer('http://10.0.0.2:2379', 'b', ['http://10.0.0.2:2379']);
  assert.equal(chooseAnswer(['http://10.0.0.1:2379', 'http://10.0.0.2:2379'], [b, a], true), a);
  assert.equal(chooseAnswer(given, [], true), undefined);
});

test('the cluster a previous refresh trusted is taken at once, even from one endpoint', () => {
  const learnt = answer('http://10.0.0.7:2379', 'good', ['http://10.0.0.7:2379']);
  assert.equal(chooseAnswer(given, [learnt], false), undefined);
  assert.equal(chooseAnswer(given, [learnt], false, 'good'), learnt);
  assert.equal(chooseAnswer(given, [stranger], false, 'good'), undefined);
});
