// Closed vocabularies, once. prisma/schema.prisma's enums are the source:
// Prisma's generated types make every read and write of these columns one of
// these values, the zod schemas accept exactly them, and the UI uses the
// same types — so a misspelt role ("lb" for "loadbalancer") cannot type-check.
// The generated enums file has no runtime dependencies: client components may import it.
import { AuthType, LogStream, MemberRole, NodeType, Role } from "@/lib/generated/prisma/enums";

export { AuthType, LogStream, MemberRole, NodeType, Role };

export const MEMBER_ROLES = Object.values(MemberRole);
export const NODE_TYPES = Object.values(NodeType);
export const AUTH_TYPES = Object.values(AuthType);
export const LOG_STREAMS = Object.values(LogStream);
