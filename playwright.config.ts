import path from "node:path";
import { defineConfig } from "@playwright/test";

// Warren under test: a production build on its own port with a fresh data directory.
const PORT = Number(process.env.E2E_PORT ?? 3210);
export const E2E_DATA_DIR = path.resolve(process.env.E2E_DATA_DIR ?? "test-results/e2e-data");
export const E2E_SERVER_LOG = path.resolve(process.env.E2E_SERVER_LOG ?? "test-results/e2e-server.log");

export default defineConfig({
  testDir: "tests/e2e",
  // Playwright empties its output folder at start: keep it apart from the other suites' reports.
  outputDir: "test-results/playwright",
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: process.env.PW_JSON ?? "test-results/playwright.json" }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
      ],
    },
  },
  webServer: {
    command: `rm -rf '${E2E_DATA_DIR}' && mkdir -p '${path.dirname(E2E_SERVER_LOG)}' && bash scripts/start.sh > '${E2E_SERVER_LOG}' 2>&1`,
    url: `http://127.0.0.1:${PORT}/login`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: { PORT: String(PORT), WARREN_DATA_DIR: E2E_DATA_DIR, NEXT_TELEMETRY_DISABLED: "1", WARREN_ADMIN_USER: "", WARREN_ADMIN_PASSWORD: "", WARREN_POWER_COMMAND: `bash ${path.resolve("lab/lab.sh")}`, WARREN_LOGIN_BLOCK_SECONDS: "3", WARREN_DEBUG: process.env.WARREN_DEBUG ?? "" },
  },
});
