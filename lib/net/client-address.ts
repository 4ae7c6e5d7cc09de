import { env } from "@/lib/env";
import { canonicalIp, inAddressList, type Cidr } from "./address";

// Where a request came from. Next.js route handlers and server actions do not
// see the TCP connection, so server.mjs (the process's HTTP server, in front of
// Next's handler) writes the peer's address into PEER_HEADER, replacing any
// value a client sent, and marks the process as doing so. Forwarding headers
// (X-Forwarded-For, -Host, -Proto) are believed only when that peer is one of
// WARREN_TRUSTED_PROXIES: anyone can write them.

export const PEER_HEADER = "x-warren-peer";

/** Set by server.mjs. Without it (e.g. `next dev`) the header could be a client's, so it is ignored. */
export function peerHeaderIsOurs(): boolean {
  return (globalThis as { warrenPeerHeader?: string }).warrenPeerHeader === PEER_HEADER;
}

/** The TCP peer's canonical address, or null when it is not known. */
export function socketPeer(h: Headers): string | null {
  if (!peerHeaderIsOurs()) return null;
  return canonicalIp(h.get(PEER_HEADER) ?? "");
}

/** True when the request came through one of the trusted proxies (so its forwarding headers count). */
export function viaTrustedProxy(h: Headers, trusted: Cidr[]): boolean {
  const peer = socketPeer(h);
  return peer !== null && trusted.length > 0 && inAddressList(peer, trusted);
}

/**
 * The client's address: the TCP peer, or — when the peer is a trusted proxy —
 * the nearest X-Forwarded-For hop that is not one, read from the right (each
 * proxy appends the address it saw; entries further left are the client's
 * own say). "unknown" without a peer: every such request then shares one
 * throttle, which can slow logins down but never lets a guess through.
 */
export function clientAddressFrom(h: Headers, trusted: Cidr[]): string {
  const peer = socketPeer(h);
  if (!peer) return "unknown";
  if (!viaTrustedProxy(h, trusted)) return peer;
  const hops = (h.get("x-forwarded-for") ?? "").split(",").slice(-32);
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const ip = canonicalIp(hops[i]);
    // A hop that is not an address is not a proxy's doing: the last proxy's peer is all that is known.
    if (!ip) break;
    client = ip;
    if (!inAddressList(ip, trusted)) break;
  }
  return client;
}

export function clientAddress(h: Headers): string {
  return clientAddressFrom(h, env().WARREN_TRUSTED_PROXIES);
}
