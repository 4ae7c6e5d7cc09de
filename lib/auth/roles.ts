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

/**
 * What a token may do: the lesser of its own role and its creator's role now.
 * A token is its creator's delegation, so demoting the creator demotes it too.
 */
export function tokenRole(token: Role, creatorNow: Role): Role {
  return roleAllows(token, creatorNow) ? creatorNow : token;
}

export function isRole(v: unknown): v is Role {
  return typeof v === "string" && (ROLES as readonly string[]).includes(v);
}
