// What a load balancer can tell before Keepalived is configured: its IPv4
// interfaces and their hardware addresses, whether anyone on the network
// already answers for the VIP (its ARP entry, after a connection attempt made
// the kernel ask), the VRRP routers already advertising on its network (so a
// virtual_router_id is not taken twice), and who listens on the ports HAProxy
// will need. Read-only but for dropping the VIP's cached ARP entry, which the
// kernel learns again; perl-base is on every Debian system and can open a raw
// socket, which bash cannot.
import { bash, bashScript } from "@/lib/shell";
import type { Platform } from "@/lib/hosts/platform";
import { PROBE_SCRIPT } from "@/lib/hosts/probe";

/**
 * Arguments: PROBE_SCRIPT and the host's platform's offeredVersions script
 * (it runs both: the HAProxy versions offered are asked in the host's own
 * terms), seconds to listen, the VIP ("-": none chosen yet), then the ports
 * to look at.
 */
export const LB_FACTS_SCRIPT = bashScript("LB_FACTS_SCRIPT", `sh -c "$1" probe --more
offered=$2
shift 2
echo @@interfaces
ip -o -4 addr show | awk '{print $2, $4}'
echo @@links
ip -br link | awk '{print $1, $3}'
echo @@vip
secs=$1
vip=$2
shift 2
if [ "$vip" = - ]; then
  echo not-asked
elif ip -o -4 addr show | grep -qF " inet $vip/"; then
  echo local
else
  # A stale entry would answer for a holder that is gone: ask the network afresh.
  ip neigh flush to "$vip" 2>/dev/null
  # shellcheck disable=SC2016
  timeout 1 bash -c 'exec 3<>"/dev/tcp/$0/9"' "$vip" 2>/dev/null
  entry=$(ip -4 neigh show to "$vip" | head -1)
  echo "\${entry:-none}"
fi
echo @@vrrp
for a in $(ip -o -4 addr show scope global | awk '{split($4, x, "/"); print x[1]}'); do
  # shellcheck disable=SC2016 # the $ are Perl's
  timeout $((secs + 2)) perl -MSocket -e '
    socket(my $s, PF_INET, SOCK_RAW, 112) or die "raw socket: $!\\n";
    setsockopt($s, 0, 35, pack("a4a4", inet_aton("224.0.0.18"), inet_aton($ARGV[0])));
    my (%seen, $rin); my $end = time + $ARGV[1];
    while (time < $end) {
      $rin = ""; vec($rin, fileno($s), 1) = 1;
      next unless select(my $rout = $rin, undef, undef, 0.3);
      recv($s, my $buf, 1500, 0) or next;
      my $ihl = (ord(substr($buf, 0, 1)) & 15) * 4;
      $seen{ord(substr($buf, $ihl + 1, 1)) . " " . inet_ntoa(substr($buf, 12, 4))} = 1;
    }
    print "$_\\n" for sort keys %seen;' "$a" "$secs" 2>/dev/null
done | sort -u
echo @@ports
for p in "$@"; do
  holder=$(ss -Hltnp "sport = :$p" | grep -o 'users:((.*' | head -1)
  echo "$p \${holder:--}"
done
echo @@haproxy
sh -c "$offered" offered haproxy
echo @@end
`);

/** The load-balancer pre-flight's command for a host of platform `pf`: listening `secs` seconds, for `vip` ("-": none), on `ports`. */
export const lbFactsArgv = (pf: Platform, secs: number, vip: string, ports: number[]): string[] =>
  bash(LB_FACTS_SCRIPT, "lb-facts", PROBE_SCRIPT, pf.offeredVersions, String(secs), vip, ...ports.map(String));

/** Who answers for the VIP as seen from a load balancer. */
export type VipHolder =
  | { kind: "local" }
  | { kind: "neighbour"; mac: string }
  | { kind: "nobody" }
  | { kind: "not-asked" };

export interface LbFacts {
  interfaces: { name: string; address: string; prefix: number }[];
  /** Hardware address per interface (lower case), to recognise a VIP held by a load balancer of this cluster. */
  macs: Record<string, string>;
  vip: VipHolder;
  /** VRRP adverts heard: router id and the sender's address. */
  vrrp: { routerId: number; from: string }[];
  ports: { port: number; holder: string | null }[];
  /** HAProxy versions the package source offers, newest first. */
  haproxyVersions: string[];
}

export function parseLbFacts(out: string): LbFacts {
  if (!/^@@end$/m.test(out)) throw new Error("the load balancer's facts are incomplete");
  const sec = (name: string) => {
    const m = new RegExp(`^@@${name}\\n([\\s\\S]*?)(?=^@@)`, "m").exec(out);
    return m ? m[1].split("\n").map((l) => l.trim()).filter(Boolean) : [];
  };
  return {
    interfaces: sec("interfaces").flatMap((l) => {
      const m = /^(\S+) (\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(l);
      return m ? [{ name: m[1], address: m[2], prefix: Number(m[3]) }] : [];
    }),
    macs: Object.fromEntries(sec("links").flatMap((l) => {
      const m = /^(\S+?)(?:@\S+)? ([0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5})$/.exec(l);
      return m ? [[m[1], m[2].toLowerCase()]] : [];
    })),
    vip: parseVip(sec("vip")[0]),
    vrrp: sec("vrrp").flatMap((l) => {
      const m = /^(\d+) (\d+\.\d+\.\d+\.\d+)$/.exec(l);
      return m ? [{ routerId: Number(m[1]), from: m[2] }] : [];
    }),
    ports: sec("ports").flatMap((l) => {
      const m = /^(\d+) (.+)$/.exec(l);
      return m ? [{ port: Number(m[1]), holder: m[2] === "-" ? null : m[2] }] : [];
    }),
    haproxyVersions: [...new Set(sec("haproxy").map((l) => l.split(" ")[1] ?? "").filter((v) => /^[A-Za-z0-9.+:~-]{1,64}$/.test(v)))],
  };
}

/** `not-asked`, `local`, `none` or an `ip neigh` line: an entry with a hardware address answered; INCOMPLETE or FAILED did not. */
function parseVip(line: string | undefined): VipHolder {
  if (line === undefined || line === "not-asked") return { kind: "not-asked" };
  if (line === "local") return { kind: "local" };
  const m = /\blladdr ([0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5})\b/.exec(line);
  return m && !/\b(FAILED|INCOMPLETE)\b/.test(line) ? { kind: "neighbour", mac: m[1].toLowerCase() } : { kind: "nobody" };
}
