// The RabbitMQ commands backups and restores use, as argument vectors
// (lib/rabbitmq/cli.ts: the real tools, without Debian's re-quoting wrapper).
// Read off rabbitmq-server's CLI at v3.10.8 and v4.0.5:
//  - export_definitions "-" writes the document to stdout (a path writes a file);
//  - import_definitions with no argument reads stdin ("-" is taken for a file
//    name there and refused: "File - does not exist"), and is synchronous;
//  - rabbitmq-queues rebalance takes all | quorum (| classic on 3.x, | stream on 4.x).
// No document, password or hash is ever an argument.
import { rabbitmqctl, rabbitmqQueues } from "@/lib/rabbitmq/cli";
import type { ObjectRef } from "./definitions";

export const exportDefinitions = () => rabbitmqctl("export_definitions", "-");
export const importDefinitions = () => rabbitmqctl("import_definitions");
export const rebalanceQuorumLeaders = () => rabbitmqQueues("rebalance", "quorum");

/** rabbitmqctl's command deleting the object; null for exchanges and bindings, which it cannot delete (the management API can). */
export function deleteArgv(r: ObjectRef): string[] | null {
  const p = r.parts;
  switch (r.kind) {
    case "users": return rabbitmqctl("delete_user", p[0]);
    case "vhosts": return rabbitmqctl("delete_vhost", p[0]);
    case "permissions": return rabbitmqctl("clear_permissions", "-p", p[0], p[1]);
    case "topic_permissions": return rabbitmqctl("clear_topic_permissions", "-p", p[0], p[1], p[2]);
    case "policies": return rabbitmqctl("clear_policy", "-p", p[0], p[1]);
    case "operator_policies": return rabbitmqctl("clear_operator_policy", "-p", p[0], p[1]);
    case "parameters": return rabbitmqctl("clear_parameter", "-p", p[0], p[1], p[2]);
    case "global_parameters": return rabbitmqctl("clear_global_parameter", p[0]);
    case "queues": return rabbitmqctl("delete_queue", "-p", p[0], p[1]);
    case "exchanges": case "bindings": return null;
  }
}

const seg = encodeURIComponent;
/** The management API's resource for the object (DELETE it); a binding needs its properties key, asked of the API first. */
export function apiPath(r: ObjectRef): string | null {
  const p = r.parts;
  switch (r.kind) {
    case "users": return `/api/users/${seg(p[0])}`;
    case "vhosts": return `/api/vhosts/${seg(p[0])}`;
    case "permissions": return `/api/permissions/${seg(p[0])}/${seg(p[1])}`;
    case "policies": return `/api/policies/${seg(p[0])}/${seg(p[1])}`;
    case "operator_policies": return `/api/operator-policies/${seg(p[0])}/${seg(p[1])}`;
    case "parameters": return `/api/parameters/${seg(p[1])}/${seg(p[0])}/${seg(p[2])}`;
    case "global_parameters": return `/api/global-parameters/${seg(p[0])}`;
    case "queues": return `/api/queues/${seg(p[0])}/${seg(p[1])}`;
    case "exchanges": return `/api/exchanges/${seg(p[0])}/${seg(p[1])}`;
    // The API clears all of a user's topic permissions in a vhost at once: rabbitmqctl clears one exchange's.
    case "topic_permissions": return null;
    case "bindings": return `/api/bindings/${seg(p[0])}/e/${seg(p[1])}/${p[2] === "exchange" ? "e" : "q"}/${seg(p[3])}`;
  }
}
