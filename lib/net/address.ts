import { isIPv4, isIPv6 } from "node:net";

// One spelling per address. The same machine can be written many ways —
// "::ffff:127.0.0.1", "0:0:0:0:0:ffff:7f00:1", "0x7f.0.0.1", "0x7f000001",
// "0177.1", "LOCALHOST" — and resolvers (glibc's inet_aton, which ssh2's
// lookup uses, and the WHATWG URL parser alike) read the numeric ones as
// plain IPv4. Anything keyed on an address (pinned host keys, uniqueness,
// the login throttle) must see one value per address, or re-spelling it
// escapes the key. The inventory stores, pins and connects to this value only.

const HOSTNAME_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
/** A label every IPv4 parser reads as a number: decimal, octal (leading 0) or hex (0x). */
const NUMERIC_LABEL = /^(0x[0-9a-f]+|[0-9]+)$/;

/**
 * The canonical IP: dotted-decimal IPv4 (IPv4-mapped IPv6 included), or
 * RFC 5952 IPv6 (lower case, zeros compressed). Null for anything that is not an IP.
 */
export function canonicalIp(raw: string): string | null {
  let v = raw.trim().toLowerCase();
  if (v.startsWith("[") && v.endsWith("]") && v.includes(":")) v = v.slice(1, -1);
  if (v.length === 0 || v.length > 64) return null;
  if (v.includes(":")) {
    // Zone ids ("%eth0") name an interface, not a host: refused rather than guessed at.
    if (!isIPv6(v) || v.includes("%")) return null;
    // The WHATWG URL serialiser writes IPv6 in RFC 5952 form ("::ffff:1.2.3.4" as "::ffff:102:304").
    const s = new URL(`http://[${v}]/`).hostname.slice(1, -1);
    const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(s);
    if (!mapped) return s;
    const hi = parseInt(mapped[1], 16), lo = parseInt(mapped[2], 16);
    return [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".");
  }
  const labels = v.split(".");
  if (!labels.every((l) => NUMERIC_LABEL.test(l))) return null;
  // inet_aton's forms (1 to 4 parts, each decimal, octal or hex), as the URL parser reads them.
  let host: string;
  try {
    host = new URL(`http://${v}/`).hostname;
  } catch {
    return null;
  }
  return isIPv4(host) ? host : null;
}

/**
 * The canonical form of a host's address: canonicalIp for IPs, a lower-case
 * DNS name otherwise. Null when it is neither — including names whose last
 * label is numeric ("10.0.0.1x" is a name, "foo.1" is refused: resolvers
 * disagree on such names, and no real host has one).
 */
export function canonicalAddress(raw: string): string | null {
  const v = raw.trim().toLowerCase();
  if (v.length === 0 || v.length > 253) return null;
  const ip = canonicalIp(v);
  if (ip) return ip;
  if (v.includes(":") || v.startsWith("[")) return null;
  const labels = v.split(".");
  if (NUMERIC_LABEL.test(labels[labels.length - 1])) return null;
  return HOSTNAME_RE.test(v) ? v : null;
}

/** A network: an address and a prefix length (a single address has the full length). */
export interface Cidr { v6: boolean; base: bigint; prefix: number }

function ipBits(ip: string): { v6: boolean; n: bigint } {
  if (!ip.includes(":")) return { v6: false, n: ip.split(".").reduce((a, p) => (a << 8n) | BigInt(p), 0n) };
  const [head, tail = ""] = ip.split("::");
  const hs = head ? head.split(":") : [], ts = tail ? tail.split(":") : [];
  const groups = ip.includes("::") ? [...hs, ...Array(8 - hs.length - ts.length).fill("0"), ...ts] : hs;
  return { v6: true, n: groups.reduce((a, g) => (a << 16n) | BigInt(parseInt(g, 16)), 0n) };
}

/**
 * "10.0.0.0/8, 127.0.0.1, fd00::/8" → networks. "" or "0": none. Returns a
 * message for anything else, so a typo stops the server instead of trusting nothing (or everything).
 */
export function parseAddressList(value: string): Cidr[] | string {
  const v = value.trim();
  if (v === "" || v === "0") return [];
  const out: Cidr[] = [];
  for (const item of v.split(/[\s,]+/).filter(Boolean)) {
    const [addr, len, extra] = item.split("/");
    const ip = canonicalIp(addr);
    if (!ip || extra !== undefined) return `${JSON.stringify(item.slice(0, 60))} is not an IP address or CIDR (e.g. 10.0.0.5, 10.0.0.0/8, fd00::/8)`;
    const { v6, n } = ipBits(ip);
    const max = v6 ? 128 : 32;
    const prefix = len === undefined ? max : /^\d{1,3}$/.test(len) ? Number(len) : -1;
    if (prefix < 0 || prefix > max) return `${JSON.stringify(item.slice(0, 60))}: the prefix length must be 0–${max}`;
    const shift = BigInt(max - prefix);
    out.push({ v6, base: (n >> shift) << shift, prefix });
  }
  return out;
}

/** Whether an IP (any spelling) lies in one of the networks. */
export function inAddressList(ip: string, list: Cidr[]): boolean {
  const c = canonicalIp(ip);
  if (!c) return false;
  const { v6, n } = ipBits(c);
  const max = v6 ? 128 : 32;
  return list.some((net) => net.v6 === v6 && (n >> BigInt(max - net.prefix)) << BigInt(max - net.prefix) === net.base);
}
