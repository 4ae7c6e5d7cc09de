// A new password for the management user Warren created at setup. The new
// value is set on the cluster and checked on every node before it replaces
// the stored one (the engine's secret rotation): a failed run leaves the old
// password working and stored.
import { z } from "zod";
import { rmqScript } from "@/lib/rabbitmq/cli";
import { ADMIN_USER, ADMIN_USER_OK } from "@/lib/rabbitmq/scripts";
import { defineOperation, PlanError } from "../operation";

export const rotateManagementPasswordOperation = defineOperation({
  type: "rotate-management-password",
  title: "Rotate the management password",
  description: "Sets a new generated password for the management user Warren created, checks it on every node, then keeps it (admins can reveal it). Until the run succeeds the old password stays in use.",
  role: "admin",
  params: z.strictObject({}),
  secrets: ["managementPassword"],
  rotates: ["managementPassword"],
  ui: "form",
  plan(c) {
    const setup = c.spec?.rabbitmq;
    if (!setup) throw new PlanError(`${c.name} has not been set up by Warren: there is no management user to rotate`);
    if (!setup.management) throw new PlanError(`${c.name} was set up without the management plugin: there is no management user`);
    const user = setup.adminUser;
    const seed = c.nodes.find((n) => n.seed) ?? c.nodes[0];
    if (!seed) throw new PlanError(`${c.name} has no RabbitMQ node`);
    return {
      type: "rotate-management-password",
      phases: [
        {
          title: `New password for ${user}`,
          steps: [{
            kind: "command", key: "change_password", title: `Set a new password for ${user}`, host: seed.name,
            argv: rmqScript(ADMIN_USER, user), stdin: { secret: "managementPassword", next: true },
            destructive: `the current password of ${user} stops working: management UI logins and scripts using it need the new one (revealed to admins on the cluster page)`,
          }],
        },
        {
          title: "The new password works on every node",
          steps: c.nodes.map((n) => ({
            kind: "command" as const, key: `verify:${n.name}`, title: `${user} logs in to the management API with the new password`, host: n.name,
            argv: rmqScript(ADMIN_USER_OK, user), stdin: { secret: "managementPassword" as const, next: true as const }, readOnly: true,
          })),
        },
      ],
    };
  },
});
