import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { parseProbe } from "@/lib/hosts/probe";
import { fingerprint } from "@/lib/ssh/fingerprint";

const fixture = (n: string) => fs.readFileSync(`${__dirname}/../fixtures/${n}`, "utf8");

// Fixtures captured from lab hosts (Debian 12) with the probe script.
describe("parseProbe", () => {
  it("reads a root login on Debian 12", () => {
    expect(parseProbe(fixture("probe-debian12-root.txt"))).toEqual({
      os: { id: "debian", versionId: "12", prettyName: "Debian GNU/Linux 12 (bookworm)" },
      packageManager: "apt", systemd: true, uid: 0, sudo: "root", hostname: "node2",
    });
  });
  it("reads a user with passwordless sudo, and one without", () => {
    expect(parseProbe(fixture("probe-debian12-sudo.txt"))).toMatchObject({ uid: 1000, sudo: "yes" });
    expect(parseProbe(fixture("probe-debian12-nosudo.txt"))).toMatchObject({ uid: 1001, sudo: "no" });
  });
  it("recognises dnf and yum hosts", () => {
    const rhel = "@@os\nID=\"rocky\"\nVERSION_ID=\"9.3\"\nPRETTY_NAME=\"Rocky Linux 9.3\"\n@@pm\n/usr/bin/dnf\n/usr/bin/yum\n@@systemd\nyes\n@@uid\n0\n@@sudo\nroot\n@@hostname\nmq1\n@@end\n";
    expect(parseProbe(rhel)).toMatchObject({ packageManager: "dnf", os: { id: "rocky", versionId: "9.3" } });
    expect(parseProbe(rhel.replace("/usr/bin/dnf\n", ""))).toMatchObject({ packageManager: "yum" });
  });
  it("refuses truncated output", () => {
    expect(() => parseProbe("@@os\nID=debian\n")).toThrow(/incomplete/);
  });
});

describe("fingerprint", () => {
  it("matches ssh-keygen -lf for a real host key", () => {
    const pub = fixture("host-key-ed25519.pub").trim().split(" ")[1];
    const expected = fixture("host-key-ed25519.fingerprint").split(" ")[1];
    expect(fingerprint(Buffer.from(pub, "base64"))).toBe(expected);
  });
});
