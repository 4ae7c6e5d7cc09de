// How a managed file reaches a host: the remote half of FileStep. The runner
// and the copyable script both use these argument vectors, so a deploy means
// the same thing in either. The candidate sits next to the target (same file
// system, so the swap is an atomic rename); the previous version is kept as
// <path>.warren-prev, or <path>.warren-absent records that there was none.
import { createTwoFilesPatch } from "diff";
import { sh, shScript } from "@/lib/shell";
import { FILE_TOKEN, type FileStep } from "./plan";

export const candidatePath = (path: string) => `${path}.warren-new`;

/** Content on stdin → the candidate, with mode and owner. */
export const FILE_UPLOAD = shScript("FILE_UPLOAD", `set -e
mkdir -p -- "$(dirname -- "$1")"
t=$(mktemp "$1.warren-new.XXXXXX")
trap 'rm -f "$t"' EXIT
cat > "$t"
chmod "$2" "$t"
if [ -n "$3" ]; then chown "$3" "$t"; fi
mv -f "$t" "$1.warren-new"
trap - EXIT
`);

/**
 * Candidate → target, keeping the previous version. A repeated swap of the
 * same content (a resumed run) keeps the version from before the first one.
 */
export const FILE_SWAP = shScript("FILE_SWAP", `set -e
[ -e "$1.warren-new" ] || { echo "no candidate for $1" >&2; exit 1; }
if [ -e "$1" ]; then
  if ! cmp -s "$1.warren-new" "$1"; then cp -p "$1" "$1.warren-prev"; rm -f "$1.warren-absent"; fi
else
  rm -f "$1.warren-prev"
  : > "$1.warren-absent"
fi
mv -f "$1.warren-new" "$1"
`);

/** Puts the previous version back (or removes a file that did not exist before). */
export const FILE_ROLLBACK = shScript("FILE_ROLLBACK", `set -e
if [ -e "$1.warren-prev" ]; then
  mv -f "$1.warren-prev" "$1"
elif [ -e "$1.warren-absent" ]; then
  rm -f "$1" "$1.warren-absent"
else
  echo "no previous version of $1 to restore" >&2
  exit 1
fi
`);

/** Exit 0 when the target already holds the content on stdin with mode $2. */
export const FILE_IN_PLACE = shScript("FILE_IN_PLACE", `[ -f "$1" ] || exit 1
[ "$(sha256sum < "$1" | cut -d' ' -f1)" = "$(sha256sum | cut -d' ' -f1)" ] || exit 1
[ "$(stat -c %a "$1")" = "\${2#0}" ]
`);

/** The current content, or exit 3 when there is no such file. */
export const FILE_READ = shScript("FILE_READ", `if [ -e "$1" ]; then cat -- "$1"; else exit 3; fi
`);


export const fileArgv = {
  upload: (s: FileStep) => sh(FILE_UPLOAD, "upload", s.path, s.mode, s.owner ?? ""),
  // Whole arguments only: a script among them is never edited.
  validate: (s: FileStep) => s.validate?.map((a) => (a === FILE_TOKEN ? candidatePath(s.path) : a)),
  discard: (s: FileStep) => ["rm", "-f", candidatePath(s.path)],
  swap: (s: FileStep) => sh(FILE_SWAP, "swap", s.path),
  rollback: (s: FileStep) => sh(FILE_ROLLBACK, "rollback", s.path),
  inPlace: (s: FileStep) => sh(FILE_IN_PLACE, "in-place", s.path, s.mode),
  read: (path: string) => sh(FILE_READ, "read", path),
};

/** A unified diff from the current file to the new content; secrets appear as <NAME> on both sides. */
export function fileDiff(path: string, current: string | null, next: string): string {
  if (current === next) return "";
  return createTwoFilesPatch(current === null ? "/dev/null" : path, path, current ?? "", next, current === null ? "(absent)" : "current", "planned", { context: 3 })
    .split("\n").slice(1).join("\n"); // drop the "====" line
}
