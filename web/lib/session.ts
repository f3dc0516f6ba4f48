import { createClient, EdgedeskError, type EdgedeskClient } from "../../sdk/rest";

/**
 * The console's and dashboard's sign-in state. The access token lives only in memory and is renewed through the
 * refresh token shortly before it expires; the refresh token (rotated by every renewal) is the one thing kept in
 * localStorage, so a reload stays signed in and no token ever appears in a URL.
 */
export type Role = "agent" | "supervisor" | "admin";
export type Session = {
  access_token: string;
  expires_at: number;
  refresh_token: string;
  refresh_expires_at: number;
  agent: { id: string; name: string; email: string; role: Role };
  tenant: { id: string; name: string };
};

const STORAGE_KEY = "edgedesk.session";
/** Renew this long before the access token expires, so no request goes out with a token about to lapse. */
const RENEW_MARGIN_MS = 60_000;

let session: Session | null = null;
let renewing: Promise<Session | null> | null = null;
const listeners = new Set<(s: Session | null) => void>();

/** The refresh token of the last session survives reloads; the access token is fetched again with it. */
type Stored = { refresh_token: string; refresh_expires_at: number; agent: Session["agent"]; tenant: Session["tenant"] };

function stored(): Stored | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Partial<Stored>;
    if (typeof s.refresh_token !== "string" || typeof s.refresh_expires_at !== "number" || !s.agent || !s.tenant) return null;
    return s.refresh_expires_at > Date.now() ? (s as Stored) : null;
  } catch {
    return null;
  }
}

function publish(next: Session | null): void {
  session = next;
  if (next) {
    const keep: Stored = { refresh_token: next.refresh_token, refresh_expires_at: next.refresh_expires_at, agent: next.agent, tenant: next.tenant };
    localStorage.setItem(STORAGE_KEY, JSON.stringify(keep));
  } else {
    localStorage.removeItem(STORAGE_KEY);
  }
  for (const fn of listeners) fn(next);
}

/** Calls that need no token: sign-in, magic-link exchange and renewal. */
const publicApi = createClient({ baseUrl: location.origin });

async function sessionFrom(res: Response): Promise<Session> {
  if (!res.ok) throw await EdgedeskError.from(res);
  const s = (await res.json()) as Session;
  publish(s);
  return s;
}

const SUCCESSOR_WAIT_MS = 3000;

async function successorOf(token: string): Promise<boolean> {
  const deadline = Date.now() + SUCCESSOR_WAIT_MS;
  for (;;) {
    const now = stored();
    if (now && now.refresh_token !== token) return true;
    if (!now || Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Another tab may have rotated the refresh token first; its newer token is then in storage. */
async function renew(): Promise<Session | null> {
  const keep = stored();
  if (!keep) {
    publish(null);
    return null;
  }
  const res = await publicApi.v1.auth.refresh.$post({ json: { refresh_token: keep.refresh_token } });
  if (res.ok) return sessionFrom(res as unknown as Response);
  if ((res.status as number) === 401) {
    // A tab that won the same renewal may not have stored its successor yet: wait for it before signing out.
    if (await successorOf(keep.refresh_token)) return renew();
    publish(null);
    return null;
  }
  throw await EdgedeskError.from(res as unknown as Response);
}

function renewOnce(): Promise<Session | null> {
  renewing ??= renew().finally(() => {
    renewing = null;
  });
  return renewing;
}

export function currentSession(): Session | null {
  return session;
}

/** Restores the session a reload left behind (through its refresh token), or null when there is none. */
export async function restoreSession(): Promise<Session | null> {
  if (session) return session;
  return stored() ? renewOnce() : null;
}

export function onSession(fn: (s: Session | null) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export async function accessToken(): Promise<string> {
  if (session && session.expires_at - RENEW_MARGIN_MS > Date.now()) return session.access_token;
  const next = await renewOnce();
  if (!next) throw new EdgedeskError(401, "unauthorized", "signed out", undefined, undefined, undefined);
  return next.access_token;
}

export async function signIn(tenantId: string, email: string, password: string): Promise<Session> {
  return sessionFrom((await publicApi.v1.auth.login.$post({ json: { tenant_id: tenantId, email, password } })) as unknown as Response);
}

export async function signInWithMagic(code: string): Promise<Session> {
  return sessionFrom((await publicApi.v1.auth.magic.$post({ json: { code } })) as unknown as Response);
}

export async function signOut(): Promise<void> {
  const keep = stored();
  publish(null);
  if (keep) await publicApi.v1.auth.logout.$post({ json: { refresh_token: keep.refresh_token } }).catch(() => undefined);
}

/** The one typed client every page uses; each call reads the current access token. */
export const api: EdgedeskClient = createClient({ baseUrl: location.origin, token: accessToken });
