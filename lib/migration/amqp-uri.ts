// AMQP 0-9-1 URIs as a RabbitMQ shovel reads them (amqp_client's amqp_uri):
// user, password and virtual host percent-encoded, so that any value — a
// password with '@', ':' or '/', the default vhost "/" — comes back as it
// went in. These URIs hold a password: they travel only in a request body on
// stdin (never an argument) and are masked wherever they are shown (redactUri).
import { isIPv6 } from "node:net";

export interface AmqpEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
  vhost: string;
}

/** Every character outside RFC 3986's unreserved set percent-encoded (encodeURIComponent leaves !'()* as they are). */
export const pct = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** amqp://user:password@host:port/vhost, each part encoded. */
export function amqpUri(e: AmqpEndpoint): string {
  if (!Number.isInteger(e.port) || e.port < 1 || e.port > 65535) throw new Error(`not a port: ${e.port}`);
  if (!e.host || /[\s/@?#]/.test(e.host)) throw new Error(`not a host: ${JSON.stringify(e.host)}`);
  const host = isIPv6(e.host) ? `[${e.host}]` : e.host;
  return `amqp://${pct(e.user)}:${pct(e.password)}@${host}:${e.port}/${pct(e.vhost)}`;
}

/**
 * A shovel's connection to the node it runs on (no network, no credentials:
 * the direct client), in a given virtual host. "amqp://" alone would be the
 * default vhost; the vhost is always spelled out so "/" and others read alike.
 */
export const directUri = (vhost: string) => `amqp:///${pct(vhost)}`;

/** The URI with its password masked: what a plan, a log or a page may show. */
export function redactUri(uri: string): string {
  return uri.replace(/^(amqps?:\/\/[^:@/]*:)[^@]*@/i, "$1***@");
}

/** The parts of an amqp:// URI with an authority, decoded (for checks and tests). */
export function parseAmqpUri(uri: string): AmqpEndpoint {
  const m = /^amqp:\/\/([^:@/]*):([^@/]*)@(\[[^\]]+\]|[^:/]+):(\d+)\/([^/?#]*)$/.exec(uri);
  if (!m) throw new Error("not an amqp://user:password@host:port/vhost URI");
  return { user: decodeURIComponent(m[1]), password: decodeURIComponent(m[2]), host: m[3].replace(/^\[|\]$/g, ""), port: Number(m[4]), vhost: decodeURIComponent(m[5]) };
}
