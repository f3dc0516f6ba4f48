/**
 * Where a tenant may point a webhook endpoint. Outside development: https only, and never an address inside the
 * deployment's network (private, loopback, link-local, carrier-grade NAT, multicast, cloud metadata) or a local name.
 * Names that resolve to such addresses are beyond what a URL check can see; this refuses every literal form.
 */
const LOCAL_NAMES = [/^localhost$/, /\.localhost$/, /\.local$/, /\.internal$/, /\.home\.arpa$/, /^metadata$/];

function ipv4Private(host: string): boolean | null {
  const m = host.match(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/);
  if (!m) return null;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a === 0 || a === 10 || a === 127 || a >= 224 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || (a === 192 && b === 0) || (a === 198 && (b === 18 || b === 19));
}

function ipv6Private(host: string): boolean | null {
  if (!host.startsWith("[")) return null;
  const h = host.slice(1, -1).toLowerCase();
  if (h === "::" || h === "::1") return true;
  // IPv4-mapped (the URL parser writes ::ffff:7f00:1 for ::ffff:127.0.0.1) and NAT64 forms carry an IPv4 address.
  const mapped = h.match(/^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/);
  if (mapped) {
    const hi = parseInt(mapped[1]!, 16);
    const lo = parseInt(mapped[2]!, 16);
    return ipv4Private(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  }
  const first = parseInt(h.split(":")[0] || "0", 16);
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xff00) === 0xff00;
}

/** The reason a URL is refused, or null when it may be used. */
export function webhookUrlProblem(raw: string, development: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "not a URL";
  }
  if (url.username || url.password) return "must not carry credentials";
  if (url.protocol !== "https:" && !(development && url.protocol === "http:")) return development ? "must be http or https" : "must be https";
  if (development) return null;
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  if (LOCAL_NAMES.some((r) => r.test(host))) return "must not name a local host";
  if (ipv4Private(host) ?? ipv6Private(host)) return "must not be a private, loopback, link-local or metadata address";
  return null;
}
