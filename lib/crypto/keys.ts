import "server-only";
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { decodeKey, env } from "@/lib/env";
import { SecretBox } from "./secret-box";

let box: SecretBox | undefined;

/** The process-wide secret box: WARREN_SECRET_KEY, else a generated key file (0600) in the data directory. */
export function secretBox(): SecretBox {
  if (box) return box;
  const e = env();
  if (e.WARREN_SECRET_KEY) {
    box = new SecretBox(decodeKey(e.WARREN_SECRET_KEY)!);
    return box;
  }
  const file = path.join(e.dataDir, "secret.key");
  fs.mkdirSync(e.dataDir, { recursive: true, mode: 0o700 });
  if (!fs.existsSync(file)) {
    try {
      fs.writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600, flag: "wx" });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  const key = decodeKey(fs.readFileSync(file, "utf8").trim());
  if (!key) throw new Error(`${file} does not hold a 32-byte key`);
  box = new SecretBox(key);
  return box;
}
