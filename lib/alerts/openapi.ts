// The alert API's part of /api/v1/openapi.json (lib/api/openapi.ts spreads it in).
import { z } from "zod";
import { ALERT_KINDS } from "./kinds";
import {
  ChannelInput, ChannelSchema, DeliverySchema, IncidentSchema, RouteInput, RouteSchema, RuleSchema, RulesInput, SilenceInput, SilenceSchema, TransitionSchema, WebhookPayloadSchema,
} from "./schema";

const input = (s: z.ZodType) => z.toJSONSchema(s, { io: "input", unrepresentable: "any" });
const output = (s: z.ZodType) => z.toJSONSchema(s, { io: "output", unrepresentable: "any" });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const error = { description: "error", content: { "application/json": { schema: ref("Error") } } };
const common = { "401": error, "403": error };
const idParam = [{ name: "id", in: "path", required: true, schema: { type: "string" } }];
const okJson = (description: string, properties: Record<string, unknown>) => ({ description, content: { "application/json": { schema: { type: "object", properties } } } });
const body = (name: string) => ({ required: true, content: { "application/json": { schema: ref(name) } } });
const query = (name: string, description: string, schema: Record<string, unknown> = { type: "string" }) => ({ name, in: "query", required: false, description, schema });

export const alertPaths = {
  "/alerts": {
    get: {
      summary: "Incidents, newest first (viewer): one per cluster and alert kind while its condition lasts, with its members (each held, silenced or paging)",
      parameters: [query("state", "open (default), resolved or all", { type: "string", enum: ["open", "resolved", "all"] }), query("cluster", "a cluster id"), query("take", "at most this many (≤ 1000)", { type: "integer" })],
      responses: { "200": okJson("incidents", { incidents: { type: "array", items: ref("Incident") } }), ...common },
    },
  },
  "/alerts/{id}": {
    parameters: idParam,
    get: { summary: "An incident with every transition and the notifications they sent, each with its attempts (viewer)", responses: { "200": okJson("the incident", { incident: ref("IncidentDetail") }), "404": error, ...common } },
  },
  "/alerts/silences": {
    get: { summary: "Silences, newest first (viewer); ?active=1 for those in effect", parameters: [query("active", "1: only silences in effect")], responses: { "200": okJson("silences", { silences: { type: "array", items: ref("Silence") } }), ...common } },
    post: { summary: "Silence a cluster's alerts, optionally of one host and one kind, for some minutes or until a time, with a reason (operator; audited). Silenced incidents are recorded, shown as silenced, never sent", requestBody: body("SilenceInput"), responses: { "201": okJson("the silence", { silence: ref("Silence") }), "400": error, ...common } },
  },
  "/alerts/silences/{id}": {
    parameters: idParam,
    delete: { summary: "End a silence now (operator; audited)", responses: { "200": okJson("the silence, expired", { silence: ref("Silence") }), "404": error, ...common } },
  },
  "/alerts/channels": {
    get: { summary: "Channels, without their secrets (viewer)", responses: { "200": okJson("channels", { channels: { type: "array", items: ref("Channel") } }), ...common } },
    post: {
      summary: "Add a channel (admin; audited): a webhook (JSON, signed), a Slack-compatible incoming webhook, or email over SMTP. URLs, signing keys and passwords are sealed and never returned; a signing key Warren makes (none given) is in this answer only",
      requestBody: body("ChannelInput"), responses: { "201": okJson("the channel", { channel: ref("Channel"), signingKey: { type: "string" } }), "400": error, "409": error, ...common },
    },
  },
  "/alerts/channels/{id}": {
    parameters: idParam,
    get: { summary: "A channel, without its secrets (viewer)", responses: { "200": okJson("the channel", { channel: ref("Channel") }), "404": error, ...common } },
    delete: { summary: "Delete a channel with its routes and delivery log (admin; audited)", responses: { "200": okJson("deleted", { deleted: { type: "string" } }), "404": error, ...common } },
  },
  "/alerts/channels/{id}/test": {
    parameters: idParam,
    post: { summary: "Send a test notification through the outbox like a real one; answers after its first attempt (up to 20 s) with the delivery and the receiver's answer (admin; audited)", responses: { "200": okJson("the test's delivery", { delivery: ref("Delivery") }), "404": error, ...common } },
  },
  "/alerts/routes": {
    get: { summary: "Routes: which incidents go to which channel (viewer)", responses: { "200": okJson("routes", { routes: { type: "array", items: ref("Route") } }), ...common } },
    post: { summary: "Route a cluster's incidents (or every cluster's: clusterId null) from a severity up to a channel, repeating every repeatMinutes while they last (0: never) (admin; audited)", requestBody: body("RouteInput"), responses: { "201": okJson("the route", { route: ref("Route") }), "400": error, ...common } },
  },
  "/alerts/routes/{id}": {
    parameters: idParam,
    delete: { summary: "Delete a route (admin; audited)", responses: { "200": okJson("deleted", { deleted: { type: "string" } }), "404": error, ...common } },
  },
  "/alerts/deliveries": {
    get: {
      summary: "The delivery log, newest first (viewer): each notification (status pending, sending, sent or failed) with every attempt, its time, status and the receiver's answer",
      parameters: [query("channel", "a channel id"), query("incident", "an incident id"), query("take", "at most this many (≤ 500)", { type: "integer" })],
      responses: { "200": okJson("deliveries", { deliveries: { type: "array", items: ref("Delivery") } }), ...common },
    },
  },
  "/clusters/{id}/alert-rules": {
    parameters: idParam,
    get: { summary: `The cluster's alert rules (viewer): every kind (${ALERT_KINDS.join(", ")}) with its default severity, 'for' seconds and threshold, and this cluster's overrides`, responses: { "200": okJson("rules", { rules: { type: "array", items: ref("AlertRule") } }), "404": error, ...common } },
    put: { summary: "Override some kinds' rules for this cluster: enabled, severity, forSeconds, threshold; null resets a part to its default (operator; audited)", requestBody: body("AlertRulesInput"), responses: { "200": okJson("the rules after the change", { changed: { type: "integer" }, rules: { type: "array", items: ref("AlertRule") } }), "400": error, "404": error, ...common } },
  },
  "/metrics": {
    servers: [{ url: "/" }],
    get: {
      summary: "Prometheus metrics (text exposition format) of what Warren knows: nodes, load balancers and backends, the VIP holder, open incidents, runs, the outbox (viewer; an API token as Bearer). Served at /metrics, not under /api/v1. Reads Warren's state, never the hosts",
      responses: { "200": { description: "metrics", content: { "text/plain; version=0.0.4": { schema: { type: "string" } } } }, ...common },
    },
  },
};

export const alertSchemas = {
  ChannelInput: input(ChannelInput),
  RouteInput: input(RouteInput),
  SilenceInput: input(SilenceInput),
  AlertRulesInput: input(RulesInput),
  Incident: output(IncidentSchema),
  IncidentDetail: output(IncidentSchema.extend({ transitions: z.array(TransitionSchema), deliveries: z.array(DeliverySchema) })),
  Delivery: output(DeliverySchema),
  Channel: output(ChannelSchema),
  Route: output(RouteSchema),
  Silence: output(SilenceSchema),
  AlertRule: output(RuleSchema),
  WebhookPayload: output(WebhookPayloadSchema),
};
