import "server-only";
// Commands reach hosts over the process-wide SSH pool (one connection per host).
import { sshPool, sshTargetByName } from "@/lib/inventory/hosts";
import type { Executor } from "./types";

export const sshExecutor: Executor = {
  async run(host, argv, o) {
    const target = await sshTargetByName(host);
    return sshPool().run(target, argv, o);
  },
};
