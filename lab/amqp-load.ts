// AMQP load tool: a publisher with confirms and a consumer against one address,
// for a fixed duration; both reconnect on failure. Reports what was sent,
// confirmed, received, lost (confirmed but never received), duplicated, and the
// longest stretch with no successful publish. Used to prove "nothing lost".
//   npx tsx lab/amqp-load.ts --url amqp://user:pass@10.213.77.11:5672 --seconds 10
import amqp from "amqplib";
import { randomUUID } from "node:crypto";

export interface LoadOptions {
  url: string;
  /** Publishing stops after this many seconds, or when `until` settles if that comes first. */
  seconds: number;
  until?: Promise<unknown>;
  queue?: string;
  /** The queue's type (x-queue-type); classic unless told, "default" declares it without arguments (the vhost's default). */
  queueType?: "classic" | "quorum" | "default";
  /** false: the queue exists (its definitions were imported) and the clients may not declare it — as an application user without "configure". */
  declare?: boolean;
  /** Messages in flight before waiting for confirms. */
  window?: number;
  /** How long to keep consuming after publishing stops. */
  drainSeconds?: number;
  /** Ids of messages published (and confirmed) before, as {"id": n}: the consumer must receive them too, or they count as lost. */
  preloaded?: number[];
  log?: (line: string) => void;
}

export interface LoadReport {
  sent: number;
  confirmed: number;
  received: number;
  lost: number;
  duplicated: number;
  longestGapMs: number;
  /** When the first and the last publish were confirmed (epoch ms; null: none was). */
  firstConfirmAt: number | null;
  lastConfirmAt: number | null;
  reconnects: number;
  ratePerSecond: number;
  durationS: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A half-dead connection (its VIP moved away) may never answer a close, or confirm: give up waiting. */
const within = <T>(p: Promise<T>, ms: number, what: string) => Promise.race([p, sleep(ms).then(() => { throw new Error(`${what}: no answer within ${ms} ms`); })]);
const closeQuietly = (c?: amqp.ChannelModel) => (c ? within(c.close(), 2000, "close").catch(() => {}) : Promise.resolve());

/** Heartbeats every 2 s: a connection left behind by a moved VIP is noticed and replaced, not waited on forever. */
const withHeartbeat = (url: string) => (/[?&]heartbeat=/.test(url) ? url : `${url}${url.includes("?") ? "&" : "?"}heartbeat=2`);

export async function runLoad(o: LoadOptions): Promise<LoadReport> {
  o = { ...o, url: withHeartbeat(o.url) };
  const queue = o.queue ?? `warren-load-${randomUUID().slice(0, 8)}`;
  const queueType = o.queueType ?? "classic";
  const declareArgs = queueType === "default" ? {} : { arguments: { "x-queue-type": queueType } };
  const window = o.window ?? 50;
  const log = o.log ?? (() => {});
  const confirmedIds = new Set<number>();
  const seen = new Map<number, number>();
  let sent = 0, reconnects = 0, stopPublishing = false, stopConsuming = false;
  const start = Date.now();
  let lastSuccess = start, longestGapMs = 0, firstConfirmAt: number | null = null, lastConfirmAt: number | null = null;
  const noteConfirm = () => { lastConfirmAt = Date.now(); firstConfirmAt ??= lastConfirmAt; noteSuccess(); };
  const noteSuccess = () => {
    const now = Date.now();
    longestGapMs = Math.max(longestGapMs, now - lastSuccess);
    lastSuccess = now;
  };

  async function publisher() {
    let nextId = 0;
    while (!stopPublishing) {
      let conn: amqp.ChannelModel | undefined;
      try {
        conn = await amqp.connect(o.url, { timeout: 3000 });
        conn.on("error", () => {});
        const ch = await within(conn.createConfirmChannel(), 5000, "channel");
        if (o.declare !== false) await within(ch.assertQueue(queue, { durable: true, ...declareArgs }), 5000, "declare");
        while (!stopPublishing) {
          const batch: Promise<number>[] = [];
          for (let i = 0; i < window && !stopPublishing; i++) {
            const id = nextId++;
            sent++;
            batch.push(new Promise((resolve, reject) => {
              ch.sendToQueue(queue, Buffer.from(JSON.stringify({ id })), { persistent: true, messageId: String(id) },
                (err) => (err ? reject(err) : resolve(id)));
            }));
          }
          const results = await Promise.allSettled(batch.map((b) => within(b, 5000, "confirm")));
          for (const r of results) if (r.status === "fulfilled") { confirmedIds.add(r.value); noteConfirm(); }
          if (results.some((r) => r.status === "rejected")) throw new Error("publish nacked");
        }
        await closeQuietly(conn);
      } catch (e) {
        reconnects++;
        log(`publisher: ${(e as Error).message}; reconnecting`);
        await closeQuietly(conn);
        await sleep(250);
      }
    }
  }

  async function consumer() {
    while (!stopConsuming) {
      let conn: amqp.ChannelModel | undefined;
      try {
        conn = await amqp.connect(o.url, { timeout: 3000 });
        let closed = false;
        conn.on("error", () => {});
        conn.on("close", () => { closed = true; });
        const ch = await within(conn.createChannel(), 5000, "channel");
        if (o.declare !== false) await within(ch.assertQueue(queue, { durable: true, ...declareArgs }), 5000, "declare");
        await ch.prefetch(200);
        await within(ch.consume(queue, (m) => {
          if (!m) return;
          const id = JSON.parse(m.content.toString()).id as number;
          seen.set(id, (seen.get(id) ?? 0) + 1);
          ch.ack(m);
        }), 5000, "consume");
        while (!stopConsuming && !closed) await sleep(100);
        if (closed) throw new Error("connection closed");
        await closeQuietly(conn);
      } catch (e) {
        if (stopConsuming) break;
        reconnects++;
        log(`consumer: ${(e as Error).message}; reconnecting`);
        await closeQuietly(conn);
        await sleep(250);
      }
    }
  }

  const c = consumer();
  const p = publisher();
  await Promise.race([sleep(o.seconds * 1000), o.until?.catch(() => {}) ?? new Promise(() => {})]);
  stopPublishing = true;
  await p;
  noteSuccess(); // closes the final stretch: a dead tail counts as a gap
  const publishEnd = Date.now();
  // Drain: wait until every confirmed message arrived, or the drain time is up.
  const drainUntil = Date.now() + (o.drainSeconds ?? 10) * 1000;
  const expected = [...(o.preloaded ?? [])];
  while (Date.now() < drainUntil && ([...confirmedIds].some((id) => !seen.has(id)) || expected.some((id) => !seen.has(id)))) await sleep(100);
  stopConsuming = true;
  await c;
  // Clean up the test queue (best effort), unless it is the application's own.
  if (o.declare !== false) try {
    const conn = await amqp.connect(o.url, { timeout: 3000 });
    conn.on("error", () => {});
    const ch = await conn.createChannel();
    await within(ch.deleteQueue(queue), 3000, "delete queue");
    await closeQuietly(conn);
  } catch { /* the broker may be gone in a failure test */ }

  let received = 0, duplicated = 0, lost = 0;
  for (const n of seen.values()) { received += n; if (n > 1) duplicated += n - 1; }
  for (const id of confirmedIds) if (!seen.has(id)) lost++;
  for (const id of expected) if (!seen.has(id)) lost++;
  const durationS = (publishEnd - start) / 1000;
  return { sent, confirmed: confirmedIds.size, received, lost, duplicated, longestGapMs, firstConfirmAt, lastConfirmAt, reconnects, ratePerSecond: Math.round(confirmedIds.size / durationS), durationS };
}

if (require.main === module) {
  const arg = (name: string, dflt?: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : dflt;
  };
  const url = arg("url");
  if (!url) {
    console.error("usage: tsx lab/amqp-load.ts --url amqp://user:pass@host:5672 [--seconds 10] [--queue name]");
    process.exit(2);
  }
  runLoad({ url, seconds: Number(arg("seconds", "10")), queue: arg("queue"), log: (l) => console.error(l) })
    .then((r) => { console.log(JSON.stringify(r)); process.exit(r.lost > 0 ? 1 : 0); })
    .catch((e) => { console.error(e); process.exit(1); });
}
