// Services under systemd, as argument vectors. Unit names come from the
// host's platform (lib/hosts/platform).
import { sh } from "@/lib/shell";
import { SERVICE_RUNNING } from "./scripts";

export const serviceRunning = (unit: string): string[] => sh(SERVICE_RUNNING, "running", unit);
