import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { commandLine, maskSecrets, quoteArg } from "@/lib/ssh/quote";
import { ATTACK_STRINGS } from "../support/attack-strings";

// Runs a command line in a real local POSIX shell and returns argv as the program saw it.
function argvSeenBy(shell: string, args: string[]): string[] {
  const line = commandLine(["printf", "%s\\0", ...args]);
  const out = execFileSync(shell, ["-c", line]);
  const parts = out.toString("utf8").split("\0");
  parts.pop();
  return parts;
}

describe("quoteArg", () => {
  it("leaves plain words readable", () => {
    expect(quoteArg("rabbitmqctl")).toBe("rabbitmqctl");
    expect(quoteArg("rabbit@node1")).toBe("rabbit@node1");
    expect(quoteArg("/var/lib/rabbitmq/.erlang.cookie")).toBe("/var/lib/rabbitmq/.erlang.cookie");
  });

  it("quotes everything else in single quotes", () => {
    expect(quoteArg("a b")).toBe("'a b'");
    expect(quoteArg("")).toBe("''");
    expect(quoteArg("it's")).toBe(`'it'\\''s'`);
    expect(quoteArg('{"ha-mode":"all"}')).toBe(`'{"ha-mode":"all"}'`);
  });

  it("refuses NUL bytes, which no argv can carry", () => {
    expect(() => quoteArg("a\0b")).toThrow(/NUL/);
  });

  for (const shell of ["sh", "bash"]) {
    it(`every attack string reaches ${shell} as exactly one inert argument`, () => {
      expect(argvSeenBy(shell, ATTACK_STRINGS)).toEqual(ATTACK_STRINGS);
    });
  }

  it("rejects an empty command", () => {
    expect(() => commandLine([])).toThrow();
  });
});

describe("maskSecrets", () => {
  it("masks every occurrence, longest secret first", () => {
    expect(maskSecrets("pw=hunter22 again hunter22", ["hunter22"])).toBe("pw=*** again ***");
    expect(maskSecrets("abcdef", ["abc", "abcdef"])).toBe("***");
  });
  it("ignores empty and very short values (they would mask ordinary text)", () => {
    expect(maskSecrets("a b c", ["", "a", undefined, null])).toBe("a b c");
  });
});
