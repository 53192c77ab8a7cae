// Member and cluster ids: etcd's API carries uint64s (decimal strings through etcd3); etcdctl and
// operators use 16-digit lowercase hex, etcdctl's JSON decimal numbers. BigInt keeps every bit both ways.

/** Formats a uint64 (decimal string, number or bigint) as 16-digit lowercase hex, like etcdctl. */
export function toHexId(value: string | number | bigint | undefined | null): string {
  if (value === undefined || value === null || value === '') return '0000000000000000';
  const n = typeof value === 'bigint' ? value : BigInt(value);
  return n.toString(16).padStart(16, '0');
}

/** A decimal uint64 from one of the model's 16-digit hex ids (etcdctl's JSON writes ids as numbers). */
export function hexIdToDecimal(hex: string): bigint {
  if (!/^[0-9a-f]{1,16}$/i.test(hex)) throw new Error(`not a 64-bit hex member id: ${JSON.stringify(hex)}`);
  return BigInt(`0x${hex}`);
}
