// The platform's vocabulary, apart from index.ts so that the families and the
// registry, which index.ts re-exports, import no module that imports them.
import type { Script } from "@/lib/shell";

/** The services Warren manages, by what they are rather than by their unit's name. */
export type ServiceName = "rabbitmq" | "haproxy" | "keepalived";

/**
 * A package Warren wants, by name. `version` pins it: `install` installs
 * exactly that version, `installedAtLeast` accepts it or newer,
 * `installedExactly` only it. Without one, any installed version will do.
 */
export interface PackageWant { name: string; version?: string }

/** The parts of /etc/os-release a platform is recognised by (lib/hosts/probe). */
export interface OsRelease { id: string | null; versionId: string | null }

export interface Platform {
  /** "debian-12": family and release. */
  id: string;
  family: string;
  /** For people: "Debian 12". */
  label: string;
  /**
   * Installs the packages (with fresh package lists, repairing an install an
   * abort left unfinished). `stopFirst`: stops that service before, and it
   * stays stopped (an upgrade that must not run under a started service).
   */
  install(wants: PackageWant[], o?: { stopFirst?: ServiceName }): string[];
  /** A check: exit 0 when every package is installed, at its version or a newer one. */
  installedAtLeast(wants: PackageWant[]): string[];
  /** A check: exit 0 when every package is installed, at exactly its version. */
  installedExactly(wants: PackageWant[]): string[];
  /**
   * A read-only script printing "name version" for every version the package
   * source offers of the packages named in its arguments, newest first. The
   * fact scripts (pre-flight, node state) take it as an argument and run it.
   */
  offeredVersions: Script<"sh">;
  /** A read-only script printing "name version" for each package named in its arguments that is installed. */
  installedVersions: Script<"sh">;
  /** <0 when package version a is older than b, 0 when equal, >0 when newer, as the package manager orders them. */
  compareVersions(a: string, b: string): number;
  /** The service manager's unit for a service. */
  serviceUnit(service: ServiceName): string;
  /** Where the load balancers' generated files go. */
  paths: { haproxyConfig: string; keepalivedConfig: string };
}

/** A family of systems sharing one package manager: one module each, named in registry.ts. */
export interface PlatformFamily {
  family: string;
  /** The releases Warren supports, as platform ids ("debian-12"). */
  ids: readonly string[];
  /** This family's id for a system (a release it supports or not), or null when the system is not of this family. */
  detect(os: OsRelease): string | null;
  /** The platform for one of `ids`. */
  platform(id: string): Platform;
}
