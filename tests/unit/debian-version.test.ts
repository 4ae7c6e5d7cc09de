import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { upstreamVersion } from "@/lib/hosts/platform/debian-version";
import { INSTALLED_VERSIONS, PACKAGES_AT_LEAST } from "@/lib/hosts/platform/debian";
import { platformById } from "@/lib/hosts/platform";

// The Debian platform's comparison, as the upgrade planners get it.
const compareDebianVersions = (a: string, b: string) => platformById("debian-12")!.compareVersions(a, b);

// Pairs checked against dpkg --compare-versions on this (Debian) machine.
const PAIRS: [string, string][] = [
  ["1:25.2.3+dfsg-1+deb12u1", "1:25.2.3+dfsg-1+deb12u2"], ["2.6.12-1+deb12u3", "2.6.12-1+deb12u4"], ["3.10.8-1.1", "4.0.5-6+deb13u2"],
  ["1.0~rc1", "1.0"], ["1.0", "1.0+b1"], ["1:1.0", "2.0"], ["1.0-1", "1.0-1"], ["1.10", "1.9"], ["1.0a", "1.0+"], ["1.0~~", "1.0~"], ["2.6.12-1", "2.6.12-1+deb12u1"],
];
const dpkg = (a: string, op: string, b: string) => { try { execFileSync("dpkg", ["--compare-versions", a, op, b]); return true; } catch { return false; } };

describe("Debian version order", () => {
  it.each(PAIRS)("%s vs %s agrees with dpkg", (a, b) => {
    const c = Math.sign(compareDebianVersions(a, b));
    expect(c).toBe(dpkg(a, "lt", b) ? -1 : dpkg(a, "eq", b) ? 0 : 1);
    expect(Math.sign(compareDebianVersions(b, a)) || 0).toBe(-c || 0);
  });
  it("upstream versions", () => {
    expect(upstreamVersion("1:25.2.3+dfsg-1+deb12u2")).toBe("25.2.3+dfsg");
    expect(upstreamVersion("3.10.8-1.1")).toBe("3.10.8");
    expect(upstreamVersion("4.0.5")).toBe("4.0.5");
  });
});

describe("the installed versions the Debian platform reports", () => {
  // INSTALLED_VERSIONS run by sh against a stand-in dpkg-query printing what the real one prints with that format.
  it("lists installed packages only, as 'name version' (not those removed with their configuration kept)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warren-dpkg-"));
    fs.writeFileSync(path.join(dir, "dpkg-query"), "#!/bin/sh\nprintf '%s\\n' 'rabbitmq-server 3.10.8-1.1 install ok installed' 'erlang-base 1:25.2.3+dfsg-1+deb12u1 install ok installed' 'haproxy 2.6.12-1+deb12u3 deinstall ok config-files'\n", { mode: 0o755 });
    try {
      const out = execFileSync("sh", ["-c", INSTALLED_VERSIONS, "installed", "rabbitmq-server", "erlang-base", "haproxy"], { env: { ...process.env, PATH: `${dir}:/usr/bin:/bin` }, encoding: "utf8" });
      expect(out).toBe("rabbitmq-server 3.10.8-1.1\nerlang-base 1:25.2.3+dfsg-1+deb12u1\n");
    } finally { fs.rmSync(dir, { recursive: true }); }
  });
});

describe("an install step's check after an upgrade", () => {
  // PACKAGES_AT_LEAST run by sh against a stand-in dpkg-query (the real dpkg compares).
  const check = (installed: string, spec: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warren-dpkg-"));
    fs.writeFileSync(path.join(dir, "dpkg-query"), `#!/bin/sh\nprintf 'install ok installed %s' '${installed}'\n`, { mode: 0o755 });
    try {
      execFileSync("sh", ["-c", PACKAGES_AT_LEAST, "at-least", spec], { env: { ...process.env, PATH: `${dir}:/usr/bin:/bin` } });
      return true;
    } catch { return false; } finally { fs.rmSync(dir, { recursive: true }); }
  };
  it("holds at the pinned version or a newer one, never an older one", () => {
    expect(check("2.6.12-1+deb12u4", "haproxy=2.6.12-1+deb12u3")).toBe(true);
    expect(check("2.6.12-1+deb12u3", "haproxy=2.6.12-1+deb12u3")).toBe(true);
    expect(check("2.6.12-1+deb12u3", "haproxy=2.6.12-1+deb12u4")).toBe(false);
    expect(check("1:25.2.3+dfsg-1+deb12u4", "erlang-base=1:25.2.3+dfsg-1+deb12u1")).toBe(true);
  });
});
