import * as ipaddr from "ipaddr.js";

/** An IPv4 block, parsed. */
export interface Ipv4Block {
  /** First address of the block as an unsigned 32-bit number. */
  readonly first: number;
  /** Last address of the block as an unsigned 32-bit number. */
  readonly last: number;
  /** Prefix length, 0-32. */
  readonly prefixLength: number;
}

function toNumber(address: ipaddr.IPv4): number {
  return address.octets.reduce((value, octet) => value * 256 + octet, 0);
}

/**
 * Parses `10.0.0.0/16`-style IPv4 CIDR notation. Returns `undefined` for anything else,
 * including blocks whose host bits are not zero (`10.0.0.1/16`), which Azure rejects.
 */
export function parseIpv4Cidr(cidr: string): Ipv4Block | undefined {
  const parts = cidr.split("/");
  const [text = "", prefixText = ""] = parts;
  // Four-part decimal only: ipaddr.js would also read "010.0.0.0" as octal, Azure does not.
  if (
    parts.length !== 2 ||
    !ipaddr.IPv4.isValidFourPartDecimal(text) ||
    !/^(?:[0-9]|[12][0-9]|3[0-2])$/.test(prefixText)
  ) {
    return undefined;
  }
  const [address, prefixLength] = ipaddr.IPv4.parseCIDR(cidr);
  const first = toNumber(address);
  const size = 2 ** (32 - prefixLength);
  if (first % size !== 0) {
    return undefined;
  }
  return { first, last: first + size - 1, prefixLength };
}

function mustParse(cidr: string): Ipv4Block {
  const block = parseIpv4Cidr(cidr);
  if (block === undefined) {
    throw new Error(`"${cidr}" is not an IPv4 CIDR block`);
  }
  return block;
}

/** True when `cidr` is valid IPv4 CIDR notation with zero host bits. */
export function isIpv4Cidr(cidr: string): boolean {
  return parseIpv4Cidr(cidr) !== undefined;
}

/** True when `address` is a plain IPv4 address such as `10.0.0.10`. */
export function isIpv4Address(address: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(address);
}

/** True when every address of `inner` lies inside `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
  const a = mustParse(outer);
  const b = mustParse(inner);
  return a.first <= b.first && b.last <= a.last;
}

/** True when the two blocks share at least one address. */
export function cidrsOverlap(left: string, right: string): boolean {
  const a = mustParse(left);
  const b = mustParse(right);
  return a.first <= b.last && b.first <= a.last;
}

/** True when `address` lies inside `cidr`. */
export function addressInCidr(address: string, cidr: string): boolean {
  const block = mustParse(cidr);
  const value = toNumber(ipaddr.IPv4.parse(address));
  return block.first <= value && value <= block.last;
}

/** Where `address` falls in `cidr`: 0 for the block's first address, or `undefined` outside it. */
export function addressOffsetInCidr(address: string, cidr: string): number | undefined {
  const block = mustParse(cidr);
  const value = toNumber(ipaddr.IPv4.parse(address));
  return block.first <= value && value <= block.last ? value - block.first : undefined;
}

/** Addresses in a block, e.g. 256 for a /24. */
export function cidrSize(cidr: string): number {
  const block = mustParse(cidr);
  return block.last - block.first + 1;
}

/**
 * How many distinct addresses the blocks cover together (overlaps counted once), e.g. two
 * `/1`s cover all 2^32 IPv4 addresses.
 */
export function cidrUnionSize(cidrs: readonly string[]): number {
  const blocks = cidrs.map(mustParse).sort((a, b) => a.first - b.first);
  let total = 0;
  let end = -1;
  for (const block of blocks) {
    if (block.last <= end) {
      continue;
    }
    total += block.last - Math.max(block.first, end + 1) + 1;
    end = block.last;
  }
  return total;
}
