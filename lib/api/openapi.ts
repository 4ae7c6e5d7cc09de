import { z } from "zod";
import { ClusterSpec } from "@/lib/inventory/spec";
import { ClusterInput, ClusterMemberInput, HostInput, HostUpdate, TokenInput, UserInput } from "@/lib/inventory/schemas";
import { ClusterHealthSchema, HistorySchema, TimelineSchema } from "@/lib/health/schema";
import { OPERATIONS } from "@/lib/ops/registry";
import { ScheduleInput } from "@/lib/backups/retention";
import { alertPaths, alertSchemas } from "@/lib/alerts/openapi";

// Request bodies are generated from the same zod schemas that validate them.
const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: "input", unrepresentable: "any" });

const errorResponse = { description: "error", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
const common = { "401": errorResponse, "403": errorResponse };
const idParam = [{ name: "id", in: "path", required: true, schema: { type: "string" } }];
const ok = (description: string) => ({ description, content: { "application/json": {} } });
const okRef = (description: string, ref: string) => ({ description, content: { "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } } });
// One body variant per registered operation: {"type": <type>, "params": <its schema>}.
const paramsRef = (type: string) => `#/components/schemas/Params_${type.replace(/[^A-Za-z0-9]/g, "_")}`;
const operationBody = (extra: Record<string, unknown> = {}) => ({
  required: true,
  content: { "application/json": { schema: {
    oneOf: OPERATIONS.map((o) => ({
      type: "object", title: o.title, description: `${o.description} (needs the ${o.role} role)`,
      properties: { type: { const: o.type }, params: { $ref: paramsRef(o.type) }, ...extra }, required: ["type", "params"],
    })),
    discriminator: { propertyName: "type" },
  } } },
});
const body = (ref: string) => ({ required: true, content: { "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } } });

export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "Warren API",
    version: "1",
    description:
      "Authenticate with 'Authorization: Bearer <token>' (tokens are created by admins), HTTP Basic credentials, or a session cookie. " +
      "Roles: viewer (read), operator (change inventory, run operations), admin (users, tokens, host-key acceptance, backup downloads). Secrets are write-only.",
  },
  servers: [{ url: "/api/v1" }],
  security: [{ bearer: [] }, { basic: [] }],
  paths: {
    "/me": { get: { summary: "Who am I", responses: { "200": ok("the caller"), ...common } } },
    "/health": { get: {
      summary: "This instance's state for a load balancer's check: no login, no details. 200 when it reaches its database and keeps renewing its leases, else 503",
      security: [],
      responses: { "200": ok("{ status: ok, database: ok, leases: renewing }"), "503": ok("{ status: unavailable, database: ok | unreachable, leases: renewing | stale }") } } },
    "/instances": { get: { summary: "Every Warren instance on this database (renewed within a day): when it started and last renewed, whether it is alive, and the leases it holds — clusters and the scheduled work (admin)", responses: { "200": ok("{ database, leaseSeconds, instances: [{ id, name, startedAt, renewedAt, alive, self, holds: [{ name, kind, label, epoch, acquiredAt, expiresAt }] }] }"), ...common } } },
    "/hosts": {
      get: { summary: "List hosts (viewer)", responses: { "200": ok("hosts, without secrets"), ...common } },
      post: { summary: "Add a host (operator)", requestBody: body("HostInput"), responses: { "201": ok("the host"), "400": errorResponse, "409": errorResponse, ...common } },
    },
    "/hosts/{id}": {
      parameters: idParam,
      get: { summary: "Get a host (viewer)", responses: { "200": ok("the host"), "404": errorResponse, ...common } },
      patch: { summary: "Change a host's connection settings (operator): address, port, user, sudo, credentials (replaced only when given), name (only while in no cluster)", requestBody: body("HostUpdate"), responses: { "200": ok("the host"), "400": errorResponse, "404": errorResponse, "409": errorResponse, ...common } },
      delete: { summary: "Delete a host (operator)", responses: { "200": ok("deleted"), "404": errorResponse, "409": errorResponse, ...common } },
    },
    "/hosts/{id}/test": {
      parameters: idParam,
      post: { summary: "Test the SSH connection (operator): reachability, host key, OS, package manager, systemd, sudo, timing", responses: { "200": ok("connection report"), ...common } },
    },
    "/hosts/{id}/accept-host-key": {
      parameters: idParam,
      post: {
        summary: "Trust the key the host now presents: a first key waiting for comparison (operator), or a changed key (admin)",
        requestBody: { required: true, content: { "application/json": { schema: { type: "object", properties: { fingerprint: { type: "string" } }, required: ["fingerprint"] } } } },
        responses: { "200": ok("the host"), ...common },
      },
    },
    "/clusters": {
      get: { summary: "List clusters (viewer)", responses: { "200": ok("clusters"), ...common } },
      post: { summary: "Create a cluster (operator)", requestBody: body("ClusterInput"), responses: { "201": ok("the cluster"), "400": errorResponse, "409": errorResponse, ...common } },
    },
    "/clusters/{id}": {
      parameters: idParam,
      get: { summary: "Get a cluster (viewer)", responses: { "200": ok("the cluster"), "404": errorResponse, ...common } },
      delete: { summary: "Remove a cluster from the inventory (operator); hosts are not touched", responses: { "200": ok("deleted"), ...common } },
    },
    "/clusters/{id}/plan": {
      parameters: idParam,
      post: { summary: "Preview an operation's plan (operator): phases and steps with exact commands, each marked by what its host shows now (will run, already in place, destructive, with what it would destroy and file diffs), a summary, a runnable POSIX shell script (helpers and the texts it sends defined once, then one line per step) and a token for start. Runs nothing that changes a host.",
        requestBody: operationBody(), responses: { "200": ok("the plan preview"), "400": errorResponse, ...common } },
    },
    "/clusters/{id}/preflight": {
      parameters: idParam,
      post: { summary: "Pre-flight checks before setup (operator): SSH, sudo, OS, package manager, name resolution, disk, memory, clock, existing data, ports. Read-only.",
        requestBody: { required: true, content: { "application/json": { schema: { type: "object", properties: { params: { $ref: "#/components/schemas/Params_setup" } }, required: ["params"] } } } },
        responses: { "200": ok("{ ok, findings: [{ host, check, level, message, fix }] }"), ...common } },
    },
    "/clusters/{id}/lb-preflight": {
      parameters: idParam,
      post: { summary: "Pre-flight of the load balancers (operator): SSH and privileges, IPv4 interfaces every load balancer has (to offer for the VIP), VRRP router ids already advertised on the network (listened to for 3 s), ports HAProxy needs. Read-only.",
        requestBody: { required: false, content: { "application/json": { schema: { type: "object", properties: { params: { type: "object", properties: { vip: { type: "string" }, prefix: { type: "integer" }, interface: { type: "string" }, routerId: { type: "integer" }, frontendPort: { type: "integer" }, statsPort: { type: "integer" } } } } } } } },
        responses: { "200": ok("{ ok, findings, interfaces, usedRouterIds, suggestedRouterId }"), ...common } },
    },
    "/clusters/{id}/operations": {
      parameters: idParam,
      get: { summary: "The cluster's runs, newest first (viewer)", responses: { "200": ok("runs"), "404": errorResponse, ...common } },
      post: { summary: "Start an operation; returns at once with the run id. Destructive steps that will run need confirmDestructive: true (else 409 listing them); with the planToken of a preview, a start refuses (409 stale) when the hosts changed since.",
        requestBody: operationBody({ confirmDestructive: { type: "boolean" }, planToken: { type: "string" } }),
        responses: { "202": ok("{ runId }"), "400": errorResponse, "409": errorResponse, ...common } },
    },
    "/clusters/{id}/secrets": { parameters: idParam, get: { summary: "The cluster's secrets: names, labels and when they changed, never values (viewer)", responses: { "200": ok("{ secrets }"), "404": errorResponse, ...common } } },
    "/clusters/{id}/secrets/{name}/reveal": {
      parameters: [...idParam, { name: "name", in: "path", required: true, schema: { type: "string", enum: ["erlangCookie", "managementPassword", "vrrpPassword", "statsPassword"] } }],
      post: { summary: "Reveal one secret's value (admin); every reveal is written to the audit log", responses: { "200": ok("{ name, value }"), "404": errorResponse, ...common } },
    },
    "/clusters/{id}/members": { parameters: idParam, put: {
      summary: "Replace the members of a cluster that is not set up yet (operator); once set up, members change through operations (409)",
      requestBody: { required: true, content: { "application/json": { schema: { type: "object", properties: { members: { type: "array", items: { $ref: "#/components/schemas/ClusterMember" } } }, required: ["members"], additionalProperties: false } } } },
      responses: { "200": ok("{ cluster }"), "400": errorResponse, "404": errorResponse, "409": errorResponse, ...common } } },
    "/clusters/{id}/versions": { parameters: idParam, get: {
      summary: "Installed and offered versions of rabbitmq-server, erlang-base, haproxy and keepalived on every host of the cluster (operator, like the upgrade forms that ask it; read over SSH, a few seconds)",
      responses: { "200": ok("{ hosts: [{ host, role, error?, active, installed: {package: version}, offered: {package: [versions, newest first]} }] }"), "404": errorResponse, ...common } } },
    "/clusters/{id}/spec": { parameters: idParam, get: {
      summary: "The cluster's spec (viewer): what its hosts were last brought to — RabbitMQ options, load balancers and VIP, members — as versions recorded when the run applying each succeeded; `drift` is a change a failed, cancelled or running run carries that the hosts do not reflect yet",
      responses: { "200": okRef("{ current, history: [{ version, spec, createdAt, createdBy, runId, note, changes: [{ path, before, after }] }], drift: { runId, type, status, at, changes } | null }", "ClusterSpecVersions"), "404": errorResponse, ...common } } },
    "/clusters/{id}/health": { parameters: idParam, get: {
      summary: "The cluster's live health (viewer): nodes, each load balancer's view of them, the VIP's owners, current alarms; every datum with when its host was last heard from. Poll about once a second.",
      responses: { "200": okRef("the health", "ClusterHealth"), "404": errorResponse, ...common } } },
    "/clusters/{id}/health/events": { parameters: idParam, get: {
      summary: "The alarm timeline (viewer): each alarm with when it was raised and cleared", responses: { "200": okRef("{ events }", "AlarmTimeline"), "404": errorResponse, ...common } } },
    "/clusters/{id}/health/history": { parameters: [...idParam, { name: "hours", in: "query", required: false, schema: { type: "number", minimum: 0.1, maximum: 168, default: 1 } }], get: {
      summary: "History samples (viewer): 10-s samples up to an hour, 1-min beyond, kept for WARREN_HISTORY_HOURS (24 by default)", responses: { "200": okRef("{ res, samples }", "HealthHistory"), "404": errorResponse, ...common } } },
    "/clusters/{id}/backups": {
      parameters: idParam,
      get: { summary: "The cluster's definitions backups, newest first (viewer): counts per kind, sizes, RabbitMQ version, who took each and why — never a document; the schedule, the next backup due and the last failure",
        responses: { "200": okRef("{ backups: [Backup], schedule, status: { latest, count, nextAt, lastFailure } }", "BackupList"), "404": errorResponse, ...common } },
      post: { summary: "Back up now (operator): the definitions are read from the first node that answers (the management API through Warren's SSH connection, else rabbitmqctl export_definitions -) and stored gzipped and sealed; retention runs after",
        responses: { "201": okRef("{ backup }", "BackupCreated"), "404": errorResponse, "502": errorResponse, ...common } },
    },
    "/clusters/{id}/backups/upload": {
      parameters: [...idParam, { name: "reason", in: "query", required: false, schema: { type: "string", maxLength: 200 } }],
      post: { summary: "Keep an external definitions file as a backup of the cluster (operator): a whole cluster's export as application/json, or gzipped as application/gzip (at most 1 MiB as sent, 64 MiB inflated)",
        requestBody: { required: true, content: { "application/json": { schema: { type: "object", description: "a RabbitMQ definitions document" } }, "application/gzip": { schema: { type: "string", format: "binary" } } } },
        responses: { "201": okRef("{ backup }", "BackupCreated"), "400": errorResponse, "413": errorResponse, "415": errorResponse, ...common } },
    },
    "/clusters/{id}/backups/schedule": {
      parameters: idParam,
      get: { summary: "The backup schedule and retention (viewer), the next backup due and the last failure", responses: { "200": ok("{ schedule, status, updatedBy }"), "404": errorResponse, ...common } },
      put: { summary: "Change the backup schedule and retention (operator); retention applies at once: a backup is kept while it is among the newest keepCount or younger than keepDays (null: no such limit); the newest and those a restore may still need are always kept",
        requestBody: body("BackupSchedule"), responses: { "200": ok("{ schedule, status, updatedBy }"), "400": errorResponse, ...common } },
    },
    "/clusters/{id}/backups/diff": {
      parameters: [...idParam,
        { name: "from", in: "query", required: true, schema: { type: "string" }, description: "a backup's id (of any cluster)" },
        { name: "to", in: "query", required: true, schema: { type: "string" }, description: "a backup's id, or live: this cluster's definitions now (read over SSH: operator)" },
        { name: "prepared", in: "query", required: false, schema: { enum: ["1"] }, description: "with to=live: compare the backup as a restore onto this cluster imports it (translated for its version; Warren's own user and the cluster's name left out)" }],
      get: { summary: "What differs from one backup to another or to the live cluster (viewer; live: operator): added, removed and changed users, vhosts, permissions, policies, parameters, queues (type, arguments), exchanges and bindings, field by field; hashes hidden, credentials masked",
        responses: { "200": okRef("{ from, to, diff: { added, removed, changed }, counts, total, findings }", "BackupDiff"), "400": errorResponse, "404": errorResponse, "502": errorResponse, ...common } },
    },
    "/clusters/{id}/backups/restore-plan": {
      parameters: idParam,
      post: { summary: "The plan of restoring a backup of this or another cluster onto this one (operator), like POST /plan with type restore: against the live definitions, what the import creates, changes and leaves as it is, what is extra (kept, or deleted with deleteExtra: destructive), what the target's version no longer supports and what the restore does instead (plan.restore). Start it with POST /operations {type: restore}",
        requestBody: body("Params_restore"), responses: { "200": ok("the plan preview, with plan.restore"), "400": errorResponse, ...common } },
    },
    "/clusters/{id}/migration": {
      parameters: [...idParam, { name: "target", in: "query", required: true, schema: { type: "string" }, description: "the id of the cluster to migrate to (green), built by the wizard on other hosts" }],
      get: { summary: "Blue-green migration readiness (operator; reads both clusters over SSH now): whether this cluster's clients can move to the target behind this cluster's VIP — blockers (no load balancers here, the target not set up, unhealthy, older, sharing hosts, holding definitions that differ), what the target's version does not support and what happens instead (the restore's translation: mirrored queues to quorum queues, ha-* keys dropped), notes (ram nodes, streams, target queues already holding messages) and the queues whose messages move. Names and counts only. The migration itself is the operation \"migrate\" (POST /plan, POST /operations with params { target }); its roll back, until blue is stopped, \"migrate-back\"",
        responses: { "200": ok("{ blue, green, ready, blockers, findings, notes, moving: { total, byType, items, more } }"), "400": errorResponse, "404": errorResponse, "502": errorResponse, ...common } },
    },
    "/clusters/{id}/backups/{backupId}": {
      parameters: [...idParam, { name: "backupId", in: "path", required: true, schema: { type: "string" } }],
      get: { summary: "One backup (viewer): counts per kind, sizes, version, SHA-256 of the document, who and why; never the document", responses: { "200": okRef("{ backup }", "BackupCreated"), "404": errorResponse, ...common } },
    },
    "/clusters/{id}/backups/{backupId}/download": {
      parameters: [...idParam, { name: "backupId", in: "path", required: true, schema: { type: "string" } }],
      get: { summary: "The definitions document exactly as RabbitMQ wrote it (admin: it holds password hashes); every download is written to the audit log", responses: { "200": { description: "the definitions JSON, as an attachment", content: { "application/json": {} } }, "404": errorResponse, ...common } },
    },
    "/users": {
      get: { summary: "List users (admin)", responses: { "200": ok("{ users }, without password hashes"), ...common } },
      post: { summary: "Create a user (admin)", requestBody: body("UserInput"), responses: { "201": ok("{ user }"), "400": errorResponse, "409": errorResponse, ...common } },
    },
    "/users/{id}": { parameters: idParam,
      patch: { summary: "Change a user's role (admin); the last admin cannot be demoted", requestBody: { required: true, content: { "application/json": { schema: { type: "object", properties: { role: { enum: ["admin", "operator", "viewer"] } }, required: ["role"], additionalProperties: false } } } }, responses: { "200": ok("{ user }"), "404": errorResponse, "409": errorResponse, ...common } },
      delete: { summary: "Delete a user (admin); the last admin cannot be deleted", responses: { "200": ok("{ deleted }"), "404": errorResponse, "409": errorResponse, ...common } },
    },
    "/audit": { get: {
      summary: "The audit log, newest first (admin)",
      parameters: [
        { name: "action", in: "query", required: false, schema: { type: "string" }, description: "action prefix, e.g. login or cluster." },
        { name: "actor", in: "query", required: false, schema: { type: "string" } },
        { name: "target", in: "query", required: false, schema: { type: "string" }, description: "part of the target's name" },
        { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 1000, default: 200 } },
      ],
      responses: { "200": ok("{ entries: [{ at, actor, action, targetType, target, detail }] }"), ...common } } },
    "/operations": { get: { summary: "The operations the caller may run, with their parameter schemas (viewer)", responses: { "200": ok("{ operations }"), ...common } } },
    "/runs/{id}": { parameters: idParam, get: { summary: "A run with its steps (viewer). Each step says whether it changes its host (changes: false for checks, gates and pauses); vars holds what the run recorded for later steps (e.g. owner: the load balancer that held the VIP), varLabels what each stands for; title names what the run does (e.g. Rolling upgrade of Erlang)", responses: { "200": ok("the run"), "404": errorResponse, ...common } } },
    "/runs/{id}/log": {
      parameters: [...idParam, { name: "after", in: "query", required: false, schema: { type: "integer" } }],
      get: { summary: "Log lines after sequence number `after` (viewer)", responses: { "200": ok("{ lines, next }"), ...common } },
    },
    "/runs/{id}/migration": {
      parameters: idParam,
      get: { summary: "A migration run's progress now (viewer; reads both clusters' management APIs): per queue, the messages left on the side being left (ready + unacknowledged) and what the other side holds; client connections on each side (not the shovels'). Names and counts only",
        responses: { "200": ok("{ progress: { from, to, queues, left, readAt } }"), "404": errorResponse, ...common } },
    },
    "/runs/{id}/continue": { parameters: idParam, post: { summary: "Continue a paused run past its pause (operator)", responses: { "202": ok("queued"), "409": errorResponse, ...common } } },
    "/runs/{id}/retry": { parameters: idParam, post: { summary: "Resume a failed, interrupted or cancelled run from its first unfinished step (operator)", responses: { "202": ok("queued"), ...common } } },
    "/runs/{id}/cancel": { parameters: idParam, post: {
      summary: "Stop a queued or running run (operator). Body {\"mode\": \"after-step\"} (default) lets the steps in progress finish; {\"mode\": \"now\"} kills them",
      responses: { "202": ok("cancelling"), ...common } } },
    "/tokens": {
      get: { summary: "List API tokens (admin)", responses: { "200": ok("tokens, without their values"), ...common } },
      post: { summary: "Create an API token (admin); the value is returned once. It acts with the lesser of its role and its creator's current role, until it expires (expiresInDays) or is revoked; deleting the creator deletes it", requestBody: body("TokenInput"), responses: { "201": ok("the token"), ...common } },
    },
    "/tokens/{id}": { parameters: idParam, delete: { summary: "Revoke a token (admin)", responses: { "200": ok("revoked"), ...common } } },
    "/openapi.json": { get: { summary: "This document", responses: { "200": ok("OpenAPI 3.1") } } },
    ...alertPaths,
  },
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer" }, basic: { type: "http", scheme: "basic" } },
    schemas: {
      HostInput: schema(HostInput),
      HostUpdate: schema(HostUpdate),
      ClusterInput: schema(ClusterInput),
      ClusterMember: schema(ClusterMemberInput),
      TokenInput: schema(TokenInput),
      UserInput: schema(UserInput),
      ClusterHealth: z.toJSONSchema(ClusterHealthSchema),
      AlarmTimeline: z.toJSONSchema(TimelineSchema),
      HealthHistory: z.toJSONSchema(HistorySchema),
      ClusterSpec: z.toJSONSchema(ClusterSpec, { io: "output", unrepresentable: "any" }),
      ClusterSpecVersions: {
        type: "object",
        properties: {
          current: { oneOf: [{ $ref: "#/components/schemas/ClusterSpecVersion" }, { type: "null" }] },
          history: { type: "array", items: { $ref: "#/components/schemas/ClusterSpecVersion" } },
          drift: { oneOf: [{ type: "object", properties: { runId: { type: "string" }, type: { type: "string" }, status: { type: "string" }, at: { type: "string" }, changes: { type: "array", items: { $ref: "#/components/schemas/SpecChange" } } } }, { type: "null" }] },
        },
      },
      ClusterSpecVersion: {
        type: "object",
        properties: { version: { type: "integer" }, spec: { $ref: "#/components/schemas/ClusterSpec" }, createdAt: { type: "string" }, createdBy: { type: "string" }, runId: { type: ["string", "null"] }, note: { type: ["string", "null"] }, changes: { type: "array", items: { $ref: "#/components/schemas/SpecChange" } } },
      },
      SpecChange: { type: "object", properties: { path: { type: "string", description: "e.g. loadBalancers.vip" }, before: {}, after: {} } },
      BackupSchedule: schema(ScheduleInput),
      Backup: {
        type: "object",
        properties: {
          id: { type: "string" }, clusterId: { type: "string" }, clusterName: { type: "string" }, createdAt: { type: "string" },
          createdBy: { type: "string", description: "schedule, run <id>, a username, or upload by <username>" }, reason: { type: ["string", "null"] },
          source: { enum: ["management-api", "rabbitmqctl", "upload"] }, node: { type: ["string", "null"] }, rabbitmqVersion: { type: ["string", "null"] },
          sizeBytes: { type: "integer", description: "at rest: gzipped and sealed" }, plainBytes: { type: "integer" }, sha256: { type: "string", description: "of the plain JSON" },
          counts: { type: "object", additionalProperties: { type: "integer" }, description: "objects per kind: users, vhosts, permissions, topic_permissions, policies, operator_policies, parameters, global_parameters, exchanges, queues, bindings" },
        },
      },
      BackupCreated: { type: "object", properties: { backup: { $ref: "#/components/schemas/Backup" } } },
      BackupList: { type: "object", properties: { backups: { type: "array", items: { $ref: "#/components/schemas/Backup" } }, schedule: { $ref: "#/components/schemas/BackupSchedule" }, status: { type: "object" } } },
      ObjectRef: { type: "object", properties: { kind: { type: "string" }, key: { type: "string", description: "canonical key within its kind (JSON of its identity)" }, parts: { type: "array", items: { type: "string" } }, label: { type: "string" } } },
      BackupDiff: {
        type: "object",
        properties: {
          from: { type: "object" }, to: { type: "object" }, counts: { type: "object" }, total: { type: "object" }, findings: { type: "array", items: { type: "object" } },
          diff: { type: "object", properties: {
            added: { type: "array", items: { $ref: "#/components/schemas/ObjectRef" }, description: "in to, not in from" },
            removed: { type: "array", items: { $ref: "#/components/schemas/ObjectRef" }, description: "in from, not in to" },
            changed: { type: "array", items: { allOf: [{ $ref: "#/components/schemas/ObjectRef" }, { type: "object", properties: { fields: { type: "array", items: { type: "object", properties: { field: { type: "string" }, before: {}, after: {} } } } } }] } },
          } },
        },
      },
      ...Object.fromEntries(OPERATIONS.map((o) => [`Params_${o.type.replace(/[^A-Za-z0-9]/g, "_")}`, schema(o.params)])),
      ...alertSchemas,
      Error: {
        type: "object",
        properties: { error: { type: "string" }, message: { type: "string" }, fieldErrors: { type: "object", additionalProperties: { type: "string" } } },
        required: ["error", "message"],
      },
    },
  },
};
