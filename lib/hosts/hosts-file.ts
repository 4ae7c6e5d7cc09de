// A block of /etc/hosts that Warren owns, so that every node resolves every
// peer by the name its RabbitMQ node carries.
import { createHash } from "node:crypto";
import { sh } from "@/lib/shell";
import { HOSTS_BLOCK_WRITE } from "./scripts";

export interface NamedAddress { name: string; address: string }

export function hostsBlock(hosts: NamedAddress[]): string {
  const lines = hosts.map((n) => `${n.address}\t${n.name}`);
  const tag = createHash("sha256").update(lines.join("\n")).digest("hex").slice(0, 12);
  return [`# BEGIN warren ${tag}`, ...lines, "# END warren"].join("\n");
}

/** Reads the block on stdin. */
export const writeHostsBlock = (): string[] => sh(HOSTS_BLOCK_WRITE, "hosts-block");

/** In place when /etc/hosts carries this exact block's tag line. */
export const hostsBlockPresent = (block: string): string[] => ["grep", "-qxF", block.split("\n")[0], "/etc/hosts"];
