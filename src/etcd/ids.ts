// Member and cluster ids: etcd's API carries uint64s (decimal strings through etcd3); etcdctl and
// operators use 16-digit lowercase hex. BigInt keeps every bit.

/** Formats a uint64 (decimal string, number or bigint) as 16-digit lowercase hex, like etcdctl. */
export function toHexId(value: string | number | bigint | undefined | null): string {
  if (value === undefined || value === null || value === '') return '0000000000000000';
  const n = typeof value === 'bigint' ? value : BigInt(value);
  return n.toString(16).padStart(16, '0');
}
