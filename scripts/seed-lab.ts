// Puts the lab's hosts into Warren's inventory (used by the demo).
import fs from "node:fs";
import { db } from "@/lib/db";
import { createHost } from "@/lib/inventory/hosts";

async function main(labFile: string) {
  const lab = JSON.parse(fs.readFileSync(labFile, "utf8")) as { privateKeyPath: string; hosts: { name: string; address: string }[] };
  const privateKey = fs.readFileSync(lab.privateKeyPath, "utf8");
  for (const h of lab.hosts) {
    const existing = await db().host.findFirst({ where: { OR: [{ name: h.name }, { address: h.address }] } });
    if (existing) continue;
    await createHost({ name: h.name, address: h.address, port: 22, username: "root", authType: "key", privateKey, useSudo: false });
    console.log(`[demo] added ${h.name} (${h.address}) to the inventory`);
  }
}

main(process.argv[2]).then(() => process.exit(0), (e) => { console.error(`[demo] could not add the lab hosts: ${(e as Error).message}`); process.exit(1); });
