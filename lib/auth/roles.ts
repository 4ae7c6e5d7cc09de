import { Role } from "@/lib/vocabulary";

export type { Role };

/** Least to most powerful: admin ⊃ operator ⊃ viewer. */
export const ROLES = [Role.viewer, Role.operator, Role.admin] as const;
// Every role has a rank: a role added to the schema must be placed here.
type Unranked = Exclude<Role, (typeof ROLES)[number]>;
const _everyRoleRanked: Unranked extends never ? true : never = true;
void _everyRoleRanked;

export function roleAllows(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

export function isRole(v: unknown): v is Role {
  return typeof v === "string" && (ROLES as readonly string[]).includes(v);
}
