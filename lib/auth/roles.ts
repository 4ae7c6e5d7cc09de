export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** admin ⊃ operator ⊃ viewer. */
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
