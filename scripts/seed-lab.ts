// Puts the lab's hosts into Warren's inventory (used by the demo).
import fs from "node:fs";
import { createHost, listHosts } from "@/lib/inventory/hosts";

async function main(labFile: string) {
  const lab = JSON.parse(fs.readFileSync(labFile, "utf8")) as { privateKeyPath: string; hosts: { name: string; address: string }[] };
  const privateKey = fs.readFileSync(lab.privateKeyPath, "utf8");
  const have = await listHosts();
  for (const h of lab.hosts) {
    if (have.some((x) => x.name === h.name || x.address === h.address)) continue;
    await createHost({ name: h.name, address: h.address, port: 22, username: "root", authType: "key", privateKey, useSudo: false, trustFirstKey: true }, "(demo)");
    console.log(`[demo] added ${h.name} (${h.address}) to the inventory`);
  }
}

main(process.argv[2]).then(() => process.exit(0), (e) => { console.error(`[demo] could not add the lab hosts: ${(e as Error).message}`); process.exit(1); });
