import type { ComponentChildren } from "preact";
import "./sign-in.css";
import { useEffect, useState } from "preact/hooks";
import { EdgedeskError } from "../../sdk/rest";
import { currentSession, onSession, restoreSession, signIn, signInWithMagic, signOut, type Role, type Session } from "./session";

const MAGIC = /(?:^#|&)magic=([A-Za-z0-9_-]+)/;
const LAST_TENANT = "edgedesk.tenant";

function message(err: unknown): string {
  if (err instanceof EdgedeskError) return err.status === 401 ? "Wrong e-mail or password, or the link has expired." : (err.detail ?? err.title);
  return "The server cannot be reached. Check your connection and try again.";
}

/** Takes a magic-link code out of the address bar before anything else can read or log it. */
function takeMagicCode(): string | null {
  const code = MAGIC.exec(location.hash)?.[1] ?? null;
  if (code) history.replaceState(null, "", location.pathname + location.search);
  return code;
}

function SignInForm(props: { product: string; error: string | null; onError: (e: string | null) => void }) {
  const [tenant, setTenant] = useState(() => new URLSearchParams(location.search).get("tenant") ?? localStorage.getItem(LAST_TENANT) ?? "");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    props.onError(null);
    try {
      localStorage.setItem(LAST_TENANT, tenant.trim());
      await signIn(tenant.trim(), email.trim(), password);
    } catch (err) {
      props.onError(message(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin">
      <form class="signin-card" onSubmit={submit} data-testid="signin-form">
        <h1>
          <img src="/favicon.svg" alt="" width={28} height={28} /> edgedesk {props.product}
        </h1>
        <label>
          Workspace
          <input name="tenant" data-testid="signin-tenant" value={tenant} onInput={(e) => setTenant(e.currentTarget.value)} placeholder="ten_…" required autocomplete="organization" />
        </label>
        <label>
          E-mail
          <input name="email" type="email" data-testid="signin-email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} required autocomplete="username" />
        </label>
        <label>
          Password
          <input name="password" type="password" data-testid="signin-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required autocomplete="current-password" />
        </label>
        {props.error && (
          <p class="signin-error" role="alert" data-testid="signin-error">
            {props.error}
          </p>
        )}
        <button type="submit" data-testid="signin-submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        <p class="signin-hint">Your administrator can also send you a one-time sign-in link.</p>
      </form>
    </main>
  );
}

/** Shows the sign-in form until there is a session (with one of `roles`, when given), then the app. */
export function RequireSession(props: { product: string; roles?: Role[]; children: (s: Session) => ComponentChildren }) {
  const [session, setSession] = useState<Session | null>(currentSession());
  const [ready, setReady] = useState(session !== null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const off = onSession(setSession);
    const code = takeMagicCode();
    (code ? signInWithMagic(code) : restoreSession())
      .catch((err: unknown) => setError(message(err)))
      .finally(() => setReady(true));
    return off;
  }, []);

  useEffect(() => {
    document.title = session ? `${props.product} · ${session.tenant.name} · edgedesk` : `Sign in · edgedesk ${props.product}`;
  }, [session, props.product]);

  if (!ready) return <main class="signin" aria-busy="true" />;
  if (!session) return <SignInForm product={props.product} error={error} onError={setError} />;
  if (props.roles && !props.roles.includes(session.agent.role)) {
    return (
      <main class="signin">
        <div class="signin-card" role="alert" data-testid="signin-role">
          <h1>edgedesk {props.product}</h1>
          <p>
            You are signed in as {session.agent.name} ({session.agent.role}). The {props.product} needs a {props.roles.join(" or ")} account.
          </p>
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </main>
    );
  }
  return <>{props.children(session)}</>;
}
