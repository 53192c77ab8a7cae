// The measured peer round trip beside heartbeat-interval and election-timeout: shown for the clusters
// whose peer URLs the file names, with what the file sets; nowhere else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from '../../../src/lint/engine';
import { hoverAt } from '../../../src/lint/language';
import { isMeasuredPeers, type MeasuredPeers } from '../../../src/lint/measured';
import { measuredPeers } from '../../../src/metrics/judge';
import { healthyFigures, quantile } from '../../support/figures';

const prod: MeasuredPeers = {
  cluster: 'prod*',
  peerURLs: ['https://10.0.0.1:2380', 'https://10.0.0.2:2380', 'https://10.0.0.3:2380'],
  roundTripSeconds: 0.183,
  heartbeatMs: 190,
  electionMs: 1900,
};
const other: MeasuredPeers = { ...prod, cluster: 'staging', peerURLs: ['http://192.168.1.5:2380'] };

const ENV = [
  'ETCD_NAME=etcd-1',
  'ETCD_HEARTBEAT_INTERVAL=100',
  'ETCD_ELECTION_TIMEOUT=1000',
  'ETCD_INITIAL_CLUSTER=etcd-1=https://10.0.0.1:2380,etcd-2=https://10.0.0.2:2380,etcd-3=https://10.0.0.3:2380',
].join('\n');

test('env file of a measured cluster: the timeout hovers say what the round trip calls for and what the file sets', () => {
  const doc = parseDocument(ENV, 'env');
  for (const line of [1, 2]) {
    const md = hoverAt(doc, { line, character: 6 }, '3.5', [prod, other])?.markdown ?? '';
    assert.match(md, /ETCD_(HEARTBEAT_INTERVAL|ELECTION_TIMEOUT)/, 'the flag description stays');
    assert.match(
      md,
      /\*\*Measured on cluster "prod\\\*"\*\*: worst peer round trip p99 183 ms .* \*\*190 ms\*\* and \*\*1900 ms\*\* suffice\. This file: heartbeat 100 ms, election 1000 ms\./,
    );
    assert.doesNotMatch(md, /staging/);
  }
  // Other keys, and files of no measured cluster, get the plain hover.
  assert.doesNotMatch(hoverAt(doc, { line: 0, character: 3 }, '3.5', [prod])?.markdown ?? '', /Measured/);
  assert.doesNotMatch(hoverAt(doc, { line: 1, character: 6 }, '3.5', [other])?.markdown ?? '', /Measured/);
});

test('YAML file naming the cluster by its advertised peer URL; defaults when the file sets nothing', () => {
  const yaml = ['name: etcd-2', 'initial-advertise-peer-urls: https://10.0.0.2:2380', 'heartbeat-interval: 250'].join('\n');
  const md = hoverAt(parseDocument(yaml, 'yaml'), { line: 2, character: 3 }, '3.5', [prod])?.markdown ?? '';
  assert.match(md, /This file: heartbeat 250 ms, election 1000 ms \(etcd's default\)\./);
});

test('measuredPeers: the worst judged link of the cluster, null until a link has enough samples; the notification is checked', () => {
  const members = [
    {
      id: 'a',
      name: 'a',
      peerURLs: ['http://a:2380'],
      figures: healthyFigures({ peerRoundTripP99: [{ peerId: 'b', quantile: quantile(0.02) }] }),
    },
    {
      id: 'b',
      name: 'b',
      peerURLs: ['http://b:2380'],
      figures: healthyFigures({ peerRoundTripP99: [{ peerId: 'a', quantile: quantile(0.05) }] }),
    },
  ];
  assert.deepEqual(measuredPeers('c', members), {
    cluster: 'c',
    peerURLs: ['http://a:2380', 'http://b:2380'],
    roundTripSeconds: 0.05,
    heartbeatMs: 100,
    electionMs: 1000,
  });
  const few = members.map((m) => ({ ...m, figures: healthyFigures({ peerRoundTripP99: [{ peerId: 'x', quantile: quantile(null, 2) }] }) }));
  assert.equal(measuredPeers('c', few), null);
  assert.equal(isMeasuredPeers(prod), true);
  for (const bad of [null, { ...prod, peerURLs: [1] }, { ...prod, heartbeatMs: -1 }, { ...prod, cluster: 3 }, { ...prod, electionMs: NaN }])
    assert.equal(isMeasuredPeers(bad), false, JSON.stringify(bad));
});
