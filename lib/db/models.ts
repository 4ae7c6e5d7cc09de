// The models of prisma/schema.prisma as the database copy needs them: each
// one's primary key and the models it refers to, in an order where every
// model comes after those it refers to (so rows can be inserted with their
// foreign keys checked). Read from the schema text itself, so a new model is
// copied without anyone listing it.

export interface ModelInfo {
  name: string;
  /** The Prisma client's property for it (Run → run, RunLog → runLog). */
  delegate: string;
  /** Primary key fields, in order. */
  key: string[];
  /** Models this one holds a foreign key to. */
  refersTo: string[];
}

/** Process state, not data: which instance holds what, and the live view's latest copy. Not copied. */
export const PROCESS_STATE_MODELS = ["Instance", "Lease", "LiveHealth"] as const;

export function readModels(schema: string): ModelInfo[] {
  const out: ModelInfo[] = [];
  for (const m of schema.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const [, name, body] = m;
    const lines = body.split("\n").map((l) => l.replace(/\/\/.*$/, "").trim()).filter(Boolean);
    const compound = lines.find((l) => l.startsWith("@@id("));
    const key = compound
      ? compound.slice(compound.indexOf("[") + 1, compound.indexOf("]")).split(",").map((s) => s.trim())
      : lines.filter((l) => /^\w+\s+\S+.*\s@id\b/.test(l) || /^\w+\s+\S+\s+@id\b/.test(l)).map((l) => l.split(/\s+/)[0]);
    const refersTo = lines.filter((l) => /@relation\([^)]*fields:/.test(l)).map((l) => l.split(/\s+/)[1].replace(/[?[\]]/g, ""));
    out.push({ name, delegate: name[0].toLowerCase() + name.slice(1), key, refersTo: [...new Set(refersTo)] });
  }
  return out;
}

/** Every model after the models it refers to (a model referring to itself is allowed). */
export function insertOrder(models: ModelInfo[]): ModelInfo[] {
  const byName = new Map(models.map((m) => [m.name, m]));
  const done = new Set<string>();
  const out: ModelInfo[] = [];
  const visit = (m: ModelInfo, path: string[]) => {
    if (done.has(m.name)) return;
    if (path.includes(m.name)) throw new Error(`models refer to each other in a cycle: ${[...path, m.name].join(" → ")}`);
    for (const r of m.refersTo) if (r !== m.name && byName.has(r)) visit(byName.get(r)!, [...path, m.name]);
    done.add(m.name);
    out.push(m);
  };
  for (const m of models) visit(m, []);
  return out;
}
