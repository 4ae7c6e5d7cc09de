import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { HOST_SCRIPTS } from "@/lib/hosts/scripts";
import { DEBIAN_SCRIPTS } from "@/lib/hosts/platform/debian";
import { platformById } from "@/lib/hosts/platform";
import { FILE_SCRIPTS } from "@/lib/ops/file-deploy";
import { cliPrelude } from "@/lib/rabbitmq/cli";
import { RABBITMQ_BASH_SCRIPTS, RABBITMQ_SCRIPTS, rabbitmqTarget } from "@/lib/rabbitmq/scripts";
import { HAPROXY_SCRIPTS } from "@/lib/haproxy/scripts";
import { KEEPALIVED_SCRIPTS } from "@/lib/keepalived/scripts";
import { checkScript, NOTIFY } from "@/lib/keepalived/config";

// Every shell snippet Warren sends to hosts, as the host's shell will see it;
// those a platform fills in, as the Debian platform writes them.
const debian = platformById("debian-12")!;
const scripts: Record<string, string> = {
  ...Object.fromEntries(Object.entries(HOST_SCRIPTS).map(([k, v]) => [`hosts/${k}`, v])),
  ...Object.fromEntries(Object.entries(DEBIAN_SCRIPTS).map(([k, v]) => [`platform-debian/${k}`, v])),
  "platform-debian/installedVersionsShell": debian.installedVersionsShell(["rabbitmq-server", "erlang-base"]),
  "platform-debian/offeredVersionsShell": debian.offeredVersionsShell(["rabbitmq-server", "erlang-base"]),
  "rabbitmq/rabbitmqTarget": rabbitmqTarget(debian),
  ...Object.fromEntries(Object.entries(FILE_SCRIPTS).map(([k, v]) => [`file-deploy/${k}`, v])),
  ...Object.fromEntries(Object.entries(RABBITMQ_SCRIPTS).map(([k, v]) => [`rabbitmq/${k}`, cliPrelude(v) + v])),
  ...Object.fromEntries(Object.entries(HAPROXY_SCRIPTS).map(([k, v]) => [`haproxy/${k}`, v])),
  ...Object.fromEntries(Object.entries(KEEPALIVED_SCRIPTS).map(([k, v]) => [`keepalived/${k}`, v])),
};
// Files installed on the hosts carry their own interpreter line.
const files: Record<string, string> = {
  "keepalived/check-script": checkScript(8405, "/healthz", 5672), "keepalived/notify": NOTIFY,
  ...Object.fromEntries(Object.entries(RABBITMQ_BASH_SCRIPTS).map(([k, v]) => [`rabbitmq/${k}`, `#!/bin/bash\n${v}`])),
};

describe("shell snippets pass shellcheck", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warren-shellcheck-"));
  for (const [name, text] of Object.entries({ ...scripts, ...files })) {
    it(name, () => {
      const f = path.join(dir, `${name.replace("/", "-")}.sh`);
      fs.writeFileSync(f, files[name] ?? `#!/bin/sh\n${text}`);
      const r = spawnSync("shellcheck", [...(files[name] ? [] : ["-s", "sh"]), "-S", "style", f], { encoding: "utf8" });
      expect(r.error, "shellcheck is installed (scripts/setup-machine.sh)").toBeUndefined();
      expect(r.stdout + r.stderr).toBe("");
    });
  }
});
