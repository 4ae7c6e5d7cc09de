import { z } from "zod";

// A server action is a public endpoint: its arguments are whatever the request
// decoded to, not what the TypeScript signature says. Each action parses them
// with these first, so an object with its own toString, or a string where a
// form was expected, is a 4xx "invalid" answer rather than an internal error.

export const IdArg = z.string({ error: "Expected an id" }).min(1, "Expected an id").max(128, "Expected an id");
export const NameArg = z.string({ error: "Expected a name" }).max(128);
export const FormArg = z.instanceof(FormData, { message: "Expected a form" });
export const PlanTokenArg = z.string({ error: "Expected a plan token" }).max(512);
export const CancelModeArg = z.enum(["after-step", "now"], { error: "Expected after-step or now" });
