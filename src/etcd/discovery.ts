// Which cluster a refresh inspects when the given endpoints do not all answer for the same one (an endpoint
// of another cluster pasted into the list, a member re-bootstrapped with another --initial-cluster-token).

/** One endpoint's discovery answer: the cluster it belongs to and its members' client URLs. */
export interface DiscoveryAnswer {
  endpoint: string;
  clusterId: string;
  clientUrls: readonly string[];
}

/**
 * How many given endpoints the answer's cluster accounts for: those among its members' client URLs, and
 * those that answered as members of the same cluster (members advertising other URLs: NAT, a proxy).
 */
export function givenEndpointsCovered(answer: DiscoveryAnswer, given: readonly string[], answers: readonly DiscoveryAnswer[]): number {
  const urls = new Set(answer.clientUrls);
  const sameCluster = new Set(answers.filter((a) => a.clusterId === answer.clusterId).map((a) => a.endpoint));
  sameCluster.add(answer.endpoint);
  return given.filter((e) => urls.has(e) || sameCluster.has(e)).length;
}

/** Whether the answer's cluster accounts for more than half of the given endpoints. */
export function coversMajority(answer: DiscoveryAnswer, given: readonly string[], answers: readonly DiscoveryAnswer[]): boolean {
  return givenEndpointsCovered(answer, given, answers) * 2 > given.length;
}

/**
 * The answer to inspect, or undefined while it is too early to say. Taken at once: an answer whose cluster
 * accounts for more than half of the given endpoints, or one of `trustedClusterId` (the cluster a previous
 * refresh chose that way), so a refresh waits on no slow member. Once every attempt has settled: the
 * answer whose cluster accounts for most, ties to the endpoint given first. The first answer alone is not
 * enough: a stranger's endpoint that answers first would otherwise be inspected instead of the cluster.
 */
export function chooseAnswer<T extends DiscoveryAnswer>(
  given: readonly string[],
  answers: readonly T[],
  settled: boolean,
  trustedClusterId?: string,
): T | undefined {
  const quick = answers.find((a) => a.clusterId === trustedClusterId || coversMajority(a, given, answers));
  if (quick || !settled || answers.length === 0) return quick;
  const rank = (e: string): number => (given.includes(e) ? given.indexOf(e) : given.length);
  const scored = answers.map((answer) => ({ answer, covered: givenEndpointsCovered(answer, given, answers) }));
  scored.sort((a, b) => b.covered - a.covered || rank(a.answer.endpoint) - rank(b.answer.endpoint));
  return scored[0].answer;
}
