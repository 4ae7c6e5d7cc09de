import fs from "node:fs";
import { loadLab, type Lab } from "@/lab/client";
import type { SshTarget } from "@/lib/ssh";

export function requireLab(): Lab {
  try {
    return loadLab();
  } catch {
    throw new Error("the lab is not up: run `npm run lab -- up` (npm test does this for you)");
  }
}

/** A Warren SSH target for a lab host, logging in as root with the lab key. */
export function labTarget(lab: Lab, name: string, over: Partial<SshTarget> = {}): SshTarget {
  const h = lab.hosts.find((x) => x.name === name)!;
  return {
    id: `lab-${name}`, name, address: h.address, port: 22, username: "root",
    privateKey: fs.readFileSync(lab.privateKeyPath, "utf8"), useSudo: false, pinnedFingerprint: null, ...over,
  };
}
