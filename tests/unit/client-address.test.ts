import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inAddressList, parseAddressList, type Cidr } from "@/lib/net/address";
import { clientAddressFrom, PEER_HEADER } from "@/lib/net/client-address";
import { ownOrigin, sameOrigin } from "@/lib/api/request";

// Issue #22.3: the login throttle keyed on the last X-Forwarded-For entry,
// which any client writes. The client is now the TCP peer (server.mjs records
// it), and forwarding headers count only from WARREN_TRUSTED_PROXIES.

const list = (v: string) => parseAddressList(v) as Cidr[];
const req = (peer: string | null, extra: Record<string, string> = {}) => new Headers({ ...(peer === null ? {} : { [PEER_HEADER]: peer }), ...extra });

beforeAll(() => { (globalThis as { warrenPeerHeader?: string }).warrenPeerHeader = PEER_HEADER; });
afterAll(() => { delete (globalThis as { warrenPeerHeader?: string }).warrenPeerHeader; });

describe("the client's address", () => {
  it("is the TCP peer, whatever X-Forwarded-For says, when no proxy is trusted", () => {
    expect(clientAddressFrom(req("127.0.0.1", { "x-forwarded-for": "10.9.9.9" }), [])).toBe("127.0.0.1");
    expect(clientAddressFrom(req("::ffff:127.0.0.2", { "x-forwarded-for": "1.1.1.1, 2.2.2.2" }), [])).toBe("127.0.0.2");
  });
  it("property: with no trusted proxy, no X-Forwarded-For value changes it (the probe rotated the last entry)", () => {
    fc.assert(fc.property(fc.string({ maxLength: 8192 }), fc.ipV4(), (xff, peer) => {
      expect(clientAddressFrom(req(peer, { "x-forwarded-for": xff.replace(/[\r\n\0]/g, "") }), list("0"))).toBe(peer);
    }), { numRuns: 300 });
  });
  it("is unknown when the peer header is not written by server.mjs (then a client could have written it)", () => {
    const g = globalThis as { warrenPeerHeader?: string };
    delete g.warrenPeerHeader;
    try {
      expect(clientAddressFrom(req("10.0.0.1"), [])).toBe("unknown");
    } finally {
      g.warrenPeerHeader = PEER_HEADER;
    }
  });
  it("behind trusted proxies: the nearest hop that is not one, read from the right", () => {
    const trusted = list("127.0.0.1, 10.0.0.0/8");
    expect(clientAddressFrom(req("127.0.0.1", { "x-forwarded-for": "172.20.1.7" }), trusted)).toBe("172.20.1.7");
    // The client wrote a fake first entry; the proxies appended the real ones.
    expect(clientAddressFrom(req("127.0.0.1", { "x-forwarded-for": "6.6.6.6, 172.21.4.4, 10.1.2.3" }), trusted)).toBe("172.21.4.4");
    // Not an address: the last trusted hop is all that is known.
    expect(clientAddressFrom(req("127.0.0.1", { "x-forwarded-for": "x".repeat(8000) }), trusted)).toBe("127.0.0.1");
    // A peer that is not a trusted proxy: its header is ignored.
    expect(clientAddressFrom(req("172.22.0.10", { "x-forwarded-for": "172.20.1.7" }), trusted)).toBe("172.22.0.10");
  });
  it("is always an IP or 'unknown', at most 39 characters, whatever the headers (bounded audit rows and throttle keys)", () => {
    const trusted = list("127.0.0.1");
    fc.assert(fc.property(fc.array(fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 100 })), { maxLength: 40 }), (hops) => {
      const a = clientAddressFrom(req("127.0.0.1", { "x-forwarded-for": hops.join(", ").replace(/[\r\n\0]/g, "") }), trusted);
      expect(a.length).toBeLessThanOrEqual(39);
      expect(a === "unknown" || /^[0-9a-f.:]+$/.test(a)).toBe(true);
    }), { numRuns: 300 });
  });
});

describe("WARREN_TRUSTED_PROXIES: addresses and CIDRs", () => {
  it("parses lists and refuses what is not one", () => {
    expect(parseAddressList("0")).toEqual([]);
    expect(parseAddressList("")).toEqual([]);
    expect(parseAddressList("127.0.0.1, 10.0.0.0/8 fd00::/8")).toHaveLength(3);
    for (const bad of ["1.2.3.4/33", "x", "10.0.0.0/8/1", "::1/129", "1.2.3.4/-1"]) expect(typeof parseAddressList(bad), bad).toBe("string");
  });
  it("matches any spelling of an address in a network", () => {
    const l = list("10.0.0.0/8, 127.0.0.1, fd00::/8");
    expect(inAddressList("10.255.1.2", l)).toBe(true);
    expect(inAddressList("::ffff:10.0.0.1", l)).toBe(true);
    expect(inAddressList("0x7f.1", l)).toBe(true);
    expect(inAddressList("fd12::1", l)).toBe(true);
    expect(inAddressList("11.0.0.1", l)).toBe(false);
    expect(inAddressList("127.0.0.2", l)).toBe(false);
    expect(inAddressList("fe80::1", l)).toBe(false);
  });
  it("property: an IPv4 address is in a /n network exactly when its first n bits match", () => {
    fc.assert(fc.property(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff }), fc.integer({ min: 0, max: 32 }), (a, b, n) => {
      const dotted = (x: number) => [x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255].join(".");
      const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
      expect(inAddressList(dotted(b), list(`${dotted(a)}/${n}`))).toBe(((a & mask) >>> 0) === ((b & mask) >>> 0));
    }));
  });
});

describe("same origin: scheme, host and port (issue #22, also)", () => {
  it("an https Origin is not an http server's, nor another port's", () => {
    const own = ownOrigin(req("127.0.0.1", { host: "127.0.0.1:3950" }), [], false);
    expect(own).toBe("http://127.0.0.1:3950");
    expect(sameOrigin("http://127.0.0.1:3950", own)).toBe(true);
    expect(sameOrigin("https://127.0.0.1:3950", own)).toBe(false);
    expect(sameOrigin("http://127.0.0.1:3951", own)).toBe(false);
    expect(sameOrigin("HTTP://127.0.0.1:3950", own)).toBe(true);
  });
  it("with Secure cookies Warren is served over https (behind a TLS proxy)", () => {
    const own = ownOrigin(req("127.0.0.1", { host: "warren.example" }), [], true);
    expect(sameOrigin("https://warren.example", own)).toBe(true);
    expect(sameOrigin("http://warren.example", own)).toBe(false);
  });
  it("X-Forwarded-Host and -Proto count only from a trusted proxy", () => {
    const h = { host: "127.0.0.1:3000", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" };
    expect(ownOrigin(req("127.0.0.1", h), [], false)).toBe("http://127.0.0.1:3000");
    expect(ownOrigin(req("127.0.0.1", h), list("127.0.0.1"), false)).toBe("https://evil.example");
  });
  it("a Host header that is not a host and port is no origin", () => {
    expect(ownOrigin(req("127.0.0.1", { host: "evil.example/x@y" }), [], false)).toBeNull();
  });
});
