// The /metrics page parser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMetrics } from '../../../src/metrics/scrape';

test('parseMetrics reads the wanted series and ignores look-alike prefixes', () => {
  const m = parseMetrics('etcd_server_has_leader_extra 0\netcd_server_has_leader 1\netcd_server_quota_backend_bytes 2.147483648e+09\n');
  assert.equal(m.hasLeader, true);
  assert.equal(m.quotaBackendBytes, 2147483648);
  assert.equal(m.leaderChangesSeen, null);
});
