import "server-only";
import { ZodError } from "zod";
import { fieldErrors } from "@/lib/inventory/schemas";
import { ForbiddenError, UnauthenticatedError } from "@/lib/auth/guard";
import { DuplicateError, HostInUseError, HostKeyError } from "@/lib/inventory/hosts";
import { ClusterSetUpError, UnknownHostError } from "@/lib/inventory/clusters";
import { LastAdminError, SelfError, TokenActiveError, WrongPasswordError } from "@/lib/auth/users";
import { isSshError } from "@/lib/ssh";
import { logError } from "@/lib/log";
import { OperationError } from "@/lib/ops/service";
import { RequestError } from "@/lib/api/request";
import { isTooManyAttempts } from "@/lib/auth/throttle";
import { isBusy } from "@/lib/auth/fair-queue";
import { BackupError } from "@/lib/backups/service";
import { MigrationError } from "@/lib/migration/service";

export interface PublicError {
  status: number;
  code: string;
  message: string;
  fieldErrors?: Record<string, string>;
  details?: unknown;
  retryAfterS?: number;
}

/** The one place that decides what an error may tell the outside world. */
export function publicError(e: unknown): PublicError {
  if (e instanceof RequestError) return { status: e.status, code: e.code, message: e.message };
  if (isTooManyAttempts(e)) return { status: 429, code: "too-many-attempts", message: e.message, retryAfterS: e.retryAfterS };
  if (isBusy(e)) return { status: 429, code: "busy", message: e.message, retryAfterS: 1 };
  if (e instanceof ZodError) {
    const fields = fieldErrors(e);
    const list = Object.entries(fields).slice(0, 4).map(([k, m]) => (k === "_form" ? m : `${k}: ${m}`));
    return { status: 400, code: "invalid", message: `Please correct ${list.join("; ")}`, fieldErrors: fields };
  }
  if (e instanceof SyntaxError) return { status: 400, code: "bad-json", message: "The request body is not valid JSON" };
  if (e instanceof UnauthenticatedError) return { status: 401, code: "unauthenticated", message: "Your session has ended: log in again" };
  if (e instanceof ForbiddenError) return { status: 403, code: "forbidden", message: `Forbidden: ${e.message}` };
  if (e instanceof DuplicateError) return { status: 409, code: "duplicate", message: e.message, fieldErrors: { [e.field]: e.message } };
  if (e instanceof HostInUseError || e instanceof LastAdminError || e instanceof SelfError || e instanceof TokenActiveError || e instanceof ClusterSetUpError) return { status: 409, code: "conflict", message: e.message };
  if (e instanceof WrongPasswordError) return { status: 400, code: "invalid", message: e.message, fieldErrors: { current: e.message } };
  if (e instanceof HostKeyError) return { status: 409, code: "host-key", message: e.message };
  if (e instanceof UnknownHostError) return { status: 400, code: "unknown-host", message: e.message };
  if (e instanceof OperationError) {
    const status = { "not-found": 404, busy: 409, confirm: 409, invalid: 400, state: 409, stale: 409, forbidden: 403 }[e.code];
    return { status, code: e.code, message: e.message, details: e.details };
  }
  if (e instanceof BackupError) return { status: { "not-found": 404, invalid: 400, failed: 502, forbidden: 403 }[e.code], code: e.code, message: e.message };
  if (e instanceof MigrationError) return { status: { "not-found": 404, invalid: 400, failed: 502 }[e.code], code: e.code, message: e.message };
  if (isSshError(e)) return { status: 502, code: `ssh-${e.kind}`, message: e.message };
  const ref = logError("request failed", e);
  return { status: 500, code: "internal", message: `Something went wrong on the server (reference ${ref})` };
}
