// Sums every suite's JSON report into the one closing line CI reads.
import fs from "node:fs";

let passed = 0, failed = 0, skipped = 0;
const failures: string[] = [];
for (const file of process.argv.slice(2)) {
  if (!fs.existsSync(file)) { failed++; failures.push(`${file}: suite did not produce a report`); continue; }
  const r = JSON.parse(fs.readFileSync(file, "utf8"));
  if (Array.isArray(r.testResults)) {
    // vitest (jest-compatible JSON)
    for (const f of r.testResults) for (const t of f.assertionResults) {
      if (t.status === "passed") passed++;
      else if (t.status === "failed") { failed++; failures.push(`${t.fullName}`); }
      else skipped++;
    }
    for (const f of r.testResults) if (f.status === "failed" && f.assertionResults.length === 0) { failed++; failures.push(`${f.name}: ${String(f.message).slice(0, 300)}`); }
  } else if (r.suites) {
    // playwright
    const walk = (s: { specs?: { title: string; tests: { status: string }[] }[]; suites?: unknown[] }) => {
      for (const sp of s.specs ?? []) for (const t of sp.tests) {
        if (t.status === "expected" || t.status === "flaky") passed++;
        else if (t.status === "skipped") skipped++;
        else { failed++; failures.push(sp.title); }
      }
      for (const c of (s.suites ?? []) as never[]) walk(c);
    };
    for (const s of r.suites) walk(s);
    for (const e of r.errors ?? []) { failed++; failures.push(`playwright: ${String(e.message).slice(0, 300)}`); }
  }
}
if (failures.length) console.log(`\nFailed:\n${failures.map((f) => `  - ${f}`).join("\n")}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 ? 1 : 0);
