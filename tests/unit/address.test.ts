import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalAddress, canonicalIp } from "@/lib/net/address";
import { hostAddress } from "@/lib/inventory/schemas";

// One spelling per address (issue #22.2): every way of writing an IPv4
// address that a resolver accepts, and every way of writing an IPv6 address,
// must come out as the same canonical value — generated spellings, each
// compared with the address they were generated from.

const dotted = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");

/** One inet_aton part: decimal, octal (leading 0) or hex (0x, any case, leading zeros). */
const part = (v: number) =>
  fc.oneof(
    fc.constant(String(v)),
    fc.nat(3).map((z) => "0".repeat(z + 1) + v.toString(8)),
    fc.tuple(fc.constantFrom("0x", "0X"), fc.nat(3), fc.boolean()).map(([x, z, up]) => {
      const h = "0".repeat(z) + v.toString(16);
      return x + (up ? h.toUpperCase() : h);
    }),
  );

/** An IPv4 address as 1 to 4 parts (a.b.c.d, a.b.cd, a.bcd, abcd), each spelled any way. */
const ipv4Spelling = fc.tuple(fc.nat({ max: 0xffffffff }), fc.integer({ min: 1, max: 4 })).chain(([n, parts]) => {
  const b = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
  const values = parts === 4 ? b : parts === 3 ? [b[0], b[1], (b[2] << 8) | b[3]] : parts === 2 ? [b[0], n & 0xffffff] : [n];
  return fc.tuple(fc.constant(dotted(n)), fc.tuple(...values.map(part)).map((ps) => ps.join(".")));
});

const hex4 = (v: number) => fc.tuple(fc.nat(2), fc.boolean()).map(([z, up]) => {
  const h = ("0".repeat(z) + v.toString(16)).slice(-4); // at most four digits: v < 0x10000 keeps all of its own
  return up ? h.toUpperCase() : h;
});

/** An IPv4 address written as IPv4-mapped IPv6, in its hex or dotted tail, compressed or not. */
const mappedSpelling = fc.nat({ max: 0xffffffff }).chain((n) => {
  const tail = fc.oneof(fc.constant(dotted(n)), fc.tuple(hex4(n >>> 16), hex4(n & 0xffff)).map(([a, b]) => `${a}:${b}`));
  const head = fc.constantFrom("::ffff:", "::FFFF:", "0:0:0:0:0:ffff:", "0000:0000:0000:0000:0000:FFFF:", "0::ffff:", "0:0::ffff:", "::0:ffff:");
  return fc.tuple(fc.constant(dotted(n)), fc.tuple(head, tail, fc.boolean()).map(([h, t, br]) => (br ? `[${h}${t}]` : h + t)));
});

/** The RFC 5952 text of eight groups: an independent reference for the IPv6 property. */
function rfc5952(g: number[]): string {
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

/** Eight groups, zeros likely (so compression happens), written with random case, leading zeros and one compressed zero run. */
const ipv6Spelling = fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.nat(0xffff)), { minLength: 8, maxLength: 8 })
  .filter((g) => !(g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff))
  .chain((g) => {
    const written = fc.tuple(...g.map(hex4));
    const zeroRuns: [number, number][] = [];
    for (let i = 0; i < 8; i++) for (let j = i + 1; j <= 8; j++) if (g.slice(i, j).every((x) => x === 0)) zeroRuns.push([i, j]);
    return fc.tuple(fc.constant(rfc5952(g)), written, fc.option(fc.constantFrom(...(zeroRuns.length ? zeroRuns : [[0, 0] as [number, number]])))).map(([ref, w, run]) => {
      if (!run || run[0] === run[1]) return [ref, w.join(":")] as [string, string];
      return [ref, `${w.slice(0, run[0]).join(":")}::${w.slice(run[1]).join(":")}`] as [string, string];
    });
  });

describe("canonicalAddress: one spelling per address", () => {
  it("the issue's spellings of 127.0.0.1 are all 127.0.0.1, and LOCALHOST is localhost", () => {
    for (const s of ["127.0.0.1", "::ffff:127.0.0.1", "0x7f.0.0.1", "0x7f000001", "0:0:0:0:0:ffff:7f00:1", "2130706433", "0177.0.0.1", "127.1", "[::ffff:127.0.0.1]", " 127.0.0.1 "])
      expect(canonicalAddress(s), s).toBe("127.0.0.1");
    expect(canonicalAddress("LOCALHOST")).toBe("localhost");
    expect(canonicalAddress("MQ-1.Example.Internal")).toBe("mq-1.example.internal");
  });

  it("property: every inet_aton spelling of an IPv4 address is its dotted-decimal form", () => {
    fc.assert(fc.property(ipv4Spelling, fc.boolean(), ([want, s], pad) => {
      expect(canonicalAddress(pad ? ` ${s}\t` : s)).toBe(want);
      expect(canonicalIp(s)).toBe(want);
    }), { numRuns: 5000 });
  });

  it("property: every IPv4-mapped IPv6 spelling is the IPv4 address", () => {
    fc.assert(fc.property(mappedSpelling, ([want, s]) => {
      expect(canonicalAddress(s)).toBe(want);
    }), { numRuns: 3000 });
  });

  it("property: every spelling of an IPv6 address is its RFC 5952 form, and canonical forms are fixed points", () => {
    fc.assert(fc.property(ipv6Spelling, ([want, s]) => {
      expect(canonicalAddress(s), s).toBe(want);
      expect(canonicalAddress(want)).toBe(want);
    }), { numRuns: 3000 });
  });

  it("property: DNS names are case-folded and otherwise kept", () => {
    const label = fc.stringMatching(/^[a-zA-Z]([a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?$/);
    fc.assert(fc.property(fc.array(label, { minLength: 1, maxLength: 4 }), (ls) => {
      const s = ls.join(".");
      expect(canonicalAddress(s)).toBe(s.toLowerCase());
    }));
  });

  it("refuses what no resolver reads as one address: out-of-range numbers, five parts, bad octal, numeric last labels, zone ids", () => {
    for (const s of ["256.0.0.1", "1.2.3.4.5", "0x.1", "0x100000000", "4294967296", "08.0.0.1", "1..2", "127.0.0.1.", "foo.1", "foo.0x1", "fe80::1%eth0", "::ffff:1.2.3.256", "[127.0.0.1]", "a b", "", "-x", "x_y", "1:2"])
      expect(canonicalAddress(s), JSON.stringify(s)).toBeNull();
  });

  it("the host schema stores the canonical spelling", () => {
    expect(hostAddress.parse("0x7f.0.0.1")).toBe("127.0.0.1");
    expect(hostAddress.parse("0:0:0:0:0:ffff:7f00:1")).toBe("127.0.0.1");
    expect(hostAddress.parse("FE80::0001")).toBe("fe80::1");
    expect(hostAddress.safeParse("foo.1").success).toBe(false);
  });
});
