import { expect, test } from "@playwright/test";
import { ADMIN, VIEWER, login, makeKey, submitHostForm } from "./helpers";

test.describe.configure({ mode: "serial" });

test("first visit creates the admin, who logs in and adds a host with a private key", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Create the admin account" })).toBeVisible();
  await page.getByLabel("Username").fill(ADMIN.username);
  await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
  await page.getByLabel("Confirm password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Create admin account" }).click();
  await expect(page.getByTestId("whoami")).toContainText("admin (admin)");

  // Setup is closed once a user exists.
  await page.goto("/setup");
  await expect(page).not.toHaveURL(/\/setup/);

  await login(page, ADMIN);
  await page.getByRole("link", { name: "Hosts", exact: true }).click();
  const { privateKey } = makeKey();
  // An address on the lab's network where no host answers: added, and said at once that it cannot be reached.
  await submitHostForm(page, "web1", "10.213.77.210", privateKey);
  await expect(page.getByTestId("add-host-warning")).toContainText("Added web1, but Warren cannot reach it", { timeout: 30_000 });
  await expect(page.getByTestId("host-row-web1")).toContainText("root@10.213.77.210");
  await expect(page.getByTestId("host-reach-web1")).toContainText("no");

  // Validation messages appear next to the fields, and the field itself is marked.
  await submitHostForm(page, "web2", "10.0.0.999", privateKey);
  await expect(page.locator("#address-error")).toContainText("Not a valid IP address or hostname");
  await expect(page.getByLabel("Address")).toHaveAttribute("aria-invalid", "true");
  // A duplicate address is reported on the address, naming the host that has it.
  await page.getByLabel("Address").fill("10.213.77.210");
  await page.getByRole("button", { name: "Add host" }).click();
  await expect(page.locator("#address-error")).toContainText("Host web1 already has the address 10.213.77.210");
  await expect(page.locator("#name-error")).toHaveCount(0);
});

test("admin creates a viewer", async ({ page }) => {
  await login(page, ADMIN);
  await page.goto("/admin/users");
  await page.getByLabel("Username").fill(VIEWER.username);
  await page.getByLabel("Password").fill(VIEWER.password);
  await page.getByLabel("Role").selectOption("viewer");
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByRole("status")).toContainText("Created vera (viewer)");
});

test("a viewer sees hosts but no add or delete controls", async ({ page }) => {
  await login(page, VIEWER);
  await page.goto("/hosts");
  await expect(page.getByTestId("host-row-web1")).toBeVisible();
  await expect(page.getByRole("button", { name: "Add host" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Delete/ })).toHaveCount(0);
  await page.goto("/admin/users");
  await expect(page.getByText("This page needs the admin role")).toBeVisible();
});

test("the server actions refuse a viewer even when the form is on screen", async ({ page, browser }) => {
  // A viewer's session cookie…
  const viewerCtx = await browser.newContext();
  const vp = await viewerCtx.newPage();
  await login(vp, VIEWER);
  const viewerCookie = (await viewerCtx.cookies()).find((c) => c.name === "warren_session")!;
  await viewerCtx.close();

  // …swapped into a page an admin loaded, so the add form and delete buttons are present.
  await login(page, ADMIN);
  await page.goto("/hosts");
  await page.context().clearCookies();
  await page.context().addCookies([viewerCookie]);

  const { privateKey } = makeKey();
  await submitHostForm(page, "sneaky", "10.213.77.211", privateKey);
  await expect(page.getByRole("status")).toContainText("Forbidden: this needs the operator role");

  page.once("dialog", (d) => d.accept());
  await page.getByRole("button", { name: "Delete web1" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Forbidden" })).toBeVisible();

  // Nothing changed: web1 is still there, sneaky was never added.
  await page.reload();
  await expect(page.getByTestId("host-row-web1")).toBeVisible();
  await expect(page.getByTestId("host-row-sneaky")).toHaveCount(0);
});

test("logout ends the session", async ({ page }) => {
  await login(page, ADMIN);
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/hosts");
  await expect(page).toHaveURL(/\/login\?next=%2Fhosts/);
});
