// The RabbitMQ commands backups and restores use, as argument vectors
// (lib/rabbitmq/cli.ts: the real tools, without Debian's re-quoting wrapper).
// Read off rabbitmq-server's CLI at v3.10.8 and v4.0.5:
//  - export_definitions "-" writes the document to stdout (a path writes a file);
//  - import_definitions with a path reads that file and imports synchronously
//    (an RPC to the node; 4.0's "asynchronous" banner notwithstanding). With
//    no argument it reads stdin on 3.x, but on 4.0 (OTP 27) it never sees the
//    end of its input and hangs; "-" is refused as a file name on both, and
//    /dev/stdin is read as empty on 3.x (OTP 25 reads a pipe by its size). So
//    the document arrives on stdin and becomes a file only for the import:
//    mode 600, the rabbitmq user's, removed however the import ends
//    (IMPORT_DEFINITIONS). It is never an argument;
//  - rabbitmq-queues rebalance takes all | quorum (| classic on 3.x, | stream on 4.x).
// No document, password or hash is ever an argument.
import { RABBITMQCTL_FUNCTION, rabbitmqctl, rabbitmqQueues } from "@/lib/rabbitmq/cli";
import { sh, shScript } from "@/lib/shell";
import type { ObjectRef } from "./definitions";

export const exportDefinitions = () => rabbitmqctl("export_definitions", "-");
/** The document on stdin into a 600 file of the rabbitmq user's, imported from there, removed on any exit. */
export const IMPORT_DEFINITIONS = shScript("IMPORT_DEFINITIONS", `${RABBITMQCTL_FUNCTION}umask 077
f=$(mktemp /var/lib/rabbitmq/warren-import.XXXXXXXX) || exit 1
trap 'rm -f "$f"' EXIT
trap 'exit 143' TERM INT HUP
cat >"$f" || exit 1
chown rabbitmq:rabbitmq "$f" || exit 1
rabbitmqctl import_definitions "$f"
`);
export const importDefinitions = () => sh(IMPORT_DEFINITIONS, "import-definitions");
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
