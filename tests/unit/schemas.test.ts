import { describe, expect, it } from "vitest";
import { ClusterInput, fieldErrors, HostInput, UserInput } from "@/lib/inventory/schemas";
import { ATTACK_STRINGS } from "../support/attack-strings";

const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----";
const host = (o: Record<string, unknown> = {}) => ({ name: "node1", address: "10.0.0.1", authType: "key", privateKey: KEY, ...o });

describe("HostInput", () => {
  it("accepts a key host and fills defaults", () => {
    expect(HostInput.parse(host())).toMatchObject({ port: 22, username: "root", useSudo: false });
    expect(HostInput.parse(host({ address: "mq-1.example.internal", port: 2222 }))).toMatchObject({ port: 2222 });
    // No silent coercion: a port is a number, useSudo a boolean.
    expect(fieldErrors(HostInput.safeParse(host({ port: "2222" })).error!).port).toMatch(/must be a number/);
    expect(fieldErrors(HostInput.safeParse(host({ port: true })).error!).port).toMatch(/must be a number/);
    expect(HostInput.safeParse(host({ useSudo: "false" })).success).toBe(false);
    expect(HostInput.parse(host({ address: "fe80::1" })).address).toBe("fe80::1");
  });

  it("explains each bad field", () => {
    const r = HostInput.safeParse(host({ name: "Node 1", address: "10.0.0.300", port: 70000, authType: "key", privateKey: "nope" }));
    expect(r.success).toBe(false);
    const fe = fieldErrors(r.error!);
    expect(fe.name).toMatch(/Lowercase/);
    expect(fe.address).toMatch(/IP address or hostname/);
    expect(fe.port).toMatch(/1–65535/);
    expect(fe.privateKey).toMatch(/private key/);
  });

  it("needs a password for password auth", () => {
    const r = HostInput.safeParse(host({ authType: "password", privateKey: undefined }));
    expect(fieldErrors(r.error!).password).toBeTruthy();
  });

  it("rejects every attack string as a name, address or user", () => {
    for (const a of ATTACK_STRINGS.filter((s) => s !== "-rf" && s !== "--help")) {
      expect(HostInput.safeParse(host({ name: a })).success, `name ${JSON.stringify(a)}`).toBe(false);
      expect(HostInput.safeParse(host({ address: a })).success, `address ${JSON.stringify(a)}`).toBe(false);
      expect(HostInput.safeParse(host({ username: a })).success, `user ${JSON.stringify(a)}`).toBe(false);
    }
    expect(HostInput.safeParse(host({ name: "-rf" })).success).toBe(false);
    expect(HostInput.safeParse(host({ address: "--help" })).success).toBe(false);
  });
});

describe("ClusterInput", () => {
  it("needs at least one disc node", () => {
    const r = ClusterInput.safeParse({ name: "prod", members: [{ hostId: "a", role: "rabbitmq", nodeType: "ram" }] });
    expect(fieldErrors(r.error!).members).toMatch(/disc/);
  });
  it("accepts the seeds' topology: two disc, one ram, two load balancers", () => {
    const members = [
      { hostId: "1", role: "rabbitmq", nodeType: "disc" }, { hostId: "2", role: "rabbitmq", nodeType: "disc" },
      { hostId: "3", role: "rabbitmq", nodeType: "ram" }, { hostId: "4", role: "loadbalancer" }, { hostId: "5", role: "loadbalancer" },
    ];
    expect(ClusterInput.safeParse({ name: "rabbit-prod", members }).success).toBe(true);
  });
  it("rejects duplicates and odd names", () => {
    const dup = [{ hostId: "1", role: "rabbitmq", nodeType: "disc" }, { hostId: "1", role: "rabbitmq", nodeType: "disc" }];
    expect(ClusterInput.safeParse({ name: "x", members: dup }).success).toBe(false);
    expect(ClusterInput.safeParse({ name: "$(reboot)", members: [] }).success).toBe(false);
  });
});

describe("UserInput", () => {
  it("wants a 10+ character password and a known role", () => {
    expect(UserInput.safeParse({ username: "ops", password: "short", role: "viewer" }).success).toBe(false);
    expect(UserInput.safeParse({ username: "ops", password: "long-enough-pw", role: "root" }).success).toBe(false);
    expect(UserInput.safeParse({ username: "ops", password: "long-enough-pw", role: "viewer" }).success).toBe(true);
  });
});
