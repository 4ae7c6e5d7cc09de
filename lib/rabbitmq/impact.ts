// What a destructive step would destroy, from the key=value words printed by
// the DATA_IMPACT script (scripts.ts). Starts with "nothing" when nothing is lost.
const n = (v: string | undefined) => Number(v ?? 0).toLocaleString("en-US");
const plural = (count: string | undefined, word: string) => `${n(count)} ${word}${Number(count) === 1 ? "" : "s"}`;

export function describeImpact(format: "rabbitmq-data", host: string, out: string): string {
  const kv = Object.fromEntries(out.trim().split(/\s+/).map((w) => w.split("=", 2)));
  switch (kv.state) {
    case "running":
      return Number(kv.queues) === 0 ? `nothing: ${host} holds no queues` : `${host} holds ${plural(kv.queues, "queue")} with ${plural(kv.messages, "message")}`;
    case "stopped":
      return `${host} has ${(Number(kv.bytes) / 1048576).toFixed(1)} MiB of RabbitMQ data (the broker is stopped, so its queues could not be counted)`;
    case "empty":
      return `nothing: ${host} has no RabbitMQ data yet`;
    default:
      return `could not tell what ${host} holds`;
  }
}
