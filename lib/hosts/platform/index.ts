// What differs between host systems, in one place: how packages are
// installed, checked and listed, how versions compare, what the services are
// called and where their configuration lives. One module per family (debian.ts)
// turns these intents into argument vectors and shell text; planners ask a
// host's platform (lib/ops/platforms.ts) and never name a package manager.
// Pure: no I/O.
//
// Shell in lib/haproxy, lib/keepalived and lib/rabbitmq still names systemd
// units and paths that every family so far shares (rabbitmq-server, haproxy,
// keepalived under systemd; /etc/rabbitmq): a family that differs there must
// have those scripts take them from here as arguments.

export type { OsRelease, PackageWant, Platform, PlatformFamily, ServiceName } from "./types";
export { DEFAULT_PLATFORM, detectPlatform, platformById, registerFamily, supportedPlatforms, type PlatformId } from "./registry";
/**
 * The upstream release in a package version, [epoch:]upstream[-revision]:
 * a shape Debian's and RPM's versions share (1:25.2.3+dfsg-1+deb12u2 →
 * 25.2.3+dfsg), so RabbitMQ's version rules read it without a platform.
 */
export { upstreamVersion } from "./debian-version";
