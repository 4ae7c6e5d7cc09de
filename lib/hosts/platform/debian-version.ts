// Debian package version ordering (deb-version(7)): [epoch:]upstream[-revision],
// compared part by part; within a part, non-digit runs by the modified ASCII
// order (~ before everything, even the end; letters before other characters)
// and digit runs numerically. Used to refuse downgrades without asking a host.

function order(c: string): number {
  if (c === "~") return -1;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

function comparePart(a: string, b: string): number {
  let i = 0, j = 0;
  while (i < a.length || j < b.length) {
    // Non-digit prefix.
    while ((i < a.length && !/\d/.test(a[i])) || (j < b.length && !/\d/.test(b[j]))) {
      const ca = i < a.length && !/\d/.test(a[i]) ? order(a[i]) : 0;
      const cb = j < b.length && !/\d/.test(b[j]) ? order(b[j]) : 0;
      if (ca !== cb) return ca - cb;
      if (i < a.length && !/\d/.test(a[i])) i++;
      if (j < b.length && !/\d/.test(b[j])) j++;
    }
    // Digit run.
    let na = "", nb = "";
    while (i < a.length && /\d/.test(a[i])) na += a[i++];
    while (j < b.length && /\d/.test(b[j])) nb += b[j++];
    const d = Number(na || 0) - Number(nb || 0);
    if (d !== 0) return d;
  }
  return 0;
}

function split(v: string): { epoch: number; upstream: string; revision: string } {
  const colon = v.indexOf(":");
  const epoch = colon > 0 ? Number(v.slice(0, colon)) : 0;
  const rest = colon > 0 ? v.slice(colon + 1) : v;
  const dash = rest.lastIndexOf("-");
  return { epoch: Number.isFinite(epoch) ? epoch : 0, upstream: dash > 0 ? rest.slice(0, dash) : rest, revision: dash > 0 ? rest.slice(dash + 1) : "0" };
}

/** <0 when a is older than b, 0 when equal, >0 when newer — as dpkg --compare-versions. */
export function compareDebianVersions(a: string, b: string): number {
  const x = split(a), y = split(b);
  if (x.epoch !== y.epoch) return x.epoch - y.epoch;
  return comparePart(x.upstream, y.upstream) || comparePart(x.revision, y.revision);
}

/** The upstream version without epoch and Debian revision: 1:25.2.3+dfsg-1+deb12u2 → 25.2.3+dfsg; 3.10.8-1.1 → 3.10.8. */
export function upstreamVersion(v: string): string {
  return split(v).upstream;
}
