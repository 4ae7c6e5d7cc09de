// HAProxy's checks of the RabbitMQ nodes: their defaults and timings, once
// (the option schema, the generated haproxy.cfg and the wizard's hints). Pure,
// and free of Node's modules, so the browser can use it too.
import type { HaproxyOptions } from "./config";

export const CHECK_DEFAULTS = { checkInterMs: 700, checkFall: 2, checkRise: 3 } as const;

export interface CheckChoice { checkInterMs: number; checkFall: number; checkRise: number }

/**
 * A failing node is rechecked after fastinter, a down one every downinter.
 * The answer deadline is the interval: HAProxy 2.6.12 and 3.0.11 time a hung
 * server's check out after min(inter, timeout connect) whatever `timeout
 * check` says (fixed upstream after 3.0.11), so a longer timeout would not
 * hold, and a shorter one would not help.
 */
export function checkTimings(o: CheckChoice): HaproxyOptions["check"] {
  const inter = o.checkInterMs;
  return { interMs: inter, fastInterMs: Math.max(100, Math.min(250, Math.round(inter / 2))), downInterMs: Math.max(inter, 1000), timeoutMs: inter, rise: o.checkRise, fall: o.checkFall };
}

/** The longest a hung node stays in rotation, in ms: inter + timeout + (fall − 1) × (fastinter + timeout); 2.35 s with the defaults. */
export function markedDownWithinMs(o: CheckChoice): number {
  const c = checkTimings(o);
  return c.interMs + c.timeoutMs + (c.fall - 1) * (c.fastInterMs + c.timeoutMs);
}

/**
 * The longest a node put back into rotation takes to be UP in HAProxy, in ms:
 * its first check after downinter, then rise − 1 more at fastinter, each
 * answered within the timeout. 3.6 s with the defaults.
 */
export function markedUpWithinMs(o: CheckChoice): number {
  const c = checkTimings(o);
  return c.downInterMs + c.timeoutMs + (c.rise - 1) * (c.fastInterMs + c.timeoutMs);
}
