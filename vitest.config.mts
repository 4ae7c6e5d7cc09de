import path from "node:path";
import { defineConfig } from "vitest/config";
import ByName from "./tests/support/sequencer";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // "server-only" throws outside React Server Components; the tests are server code.
      "server-only": path.resolve(import.meta.dirname, "tests/support/empty.ts"),
    },
  },
  test: {
    environment: "node",
    setupFiles: ["tests/support/every-test-asserts.ts"],
    include: ["tests/unit/**/*.test.ts", "tests/newcomer/**/*.test.ts", "tests/integration/**/*.test.ts", "tests/teardown/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    pool: "forks",
    sequence: { sequencer: ByName },
  },
});
