// Verifications of a command's output done in Warren rather than in shell:
// parsed by the domain's parsers, compared with what the plan expects.
import { compareWithPlan, parseClusterStatus } from "@/lib/rabbitmq/cluster-status";
import type { Verify } from "./plan";

/** What is wrong with the output; empty when it agrees. */
export function verifyOutput(v: Verify, stdout: string): string[] {
  switch (v.kind) {
    case "cluster-status":
      return compareWithPlan(parseClusterStatus(stdout), v.expect);
  }
}
