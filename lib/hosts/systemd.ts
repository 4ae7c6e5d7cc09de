// Services under systemd, as argument vectors. Unit names come from the
// host's platform (lib/hosts/platform).
import { SERVICE_RUNNING } from "./scripts";

export const serviceRunning = (unit: string): string[] => ["sh", "-c", SERVICE_RUNNING, "running", unit];
