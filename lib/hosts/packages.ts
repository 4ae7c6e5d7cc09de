// Debian packages and systemd units, as argument vectors.
import { APT_INSTALL, APT_UPGRADE, STOP_THEN_APT_INSTALL, PACKAGES_AT_LEAST, PACKAGES_INSTALLED, SERVICE_RUNNING } from "./scripts";

/** "name" or "name=version". */
export type PackageSpec = string;

export const aptInstall = (specs: PackageSpec[]): string[] => ["sh", "-c", APT_INSTALL, "apt-install", ...specs];
/** Stops `unit` (it stays stopped), then installs. */
export const aptInstallStopped = (unit: string, specs: PackageSpec[]): string[] => ["sh", "-c", STOP_THEN_APT_INSTALL, "apt-install", unit, ...specs];
export const aptUpgrade = (specs: PackageSpec[]): string[] => ["sh", "-c", APT_UPGRADE, "apt-upgrade", ...specs];
export const packagesInstalled = (specs: PackageSpec[]): string[] => ["sh", "-c", PACKAGES_INSTALLED, "installed", ...specs];
/** Every package installed, each "name=version" at that version or newer. */
export const packagesAtLeast = (specs: PackageSpec[]): string[] => ["sh", "-c", PACKAGES_AT_LEAST, "at-least", ...specs];
export const serviceRunning = (unit: string): string[] => ["sh", "-c", SERVICE_RUNNING, "running", unit];

export const pin = (name: string, version?: string): PackageSpec => (version ? `${name}=${version}` : name);
