/**
 * The visitor's session with the tenant: started only when something needs it (a message, a behaviour event, a
 * returning visitor's conversation), renewed through the one-use resume token shortly before the visitor token
 * expires or when the server answers 401, and replaced when the host page identifies a signed-in user.
 */
import { createClient, EdgedeskError, unwrap, type Success } from "../../sdk/rest";
import { recall, remember } from "./storage";

export type Identity = { user_id: string; user_hash: string; name?: string; email?: string };
export type Details = { name?: string; email?: string };

type Public = ReturnType<typeof createClient>;
type Session = Success<Awaited<ReturnType<Public["v1"]["widget"]["session"]["$post"]>>>;

const RENEW_MARGIN_MS = 60_000;

export class Visitor {
  private session: Session | null = null;
  private starting: Promise<Session> | null = null;
  private identity: Identity | null = null;
  private details: Details = {};
  /** Called when the visitor became someone else: what the old contact had open is not theirs. */
  onChanged: () => void = () => {};

  constructor(
    private readonly tenantId: string,
    private readonly publicApi: Public,
  ) {}

  get contactId(): string | null {
    return this.session?.contact_id ?? null;
  }

  get started(): boolean {
    return this.session !== null;
  }

  /** The current visitor token, renewed first when it is about to expire; always read fresh by the socket. */
  readonly token = async (): Promise<string> => {
    const s = this.session;
    if (s && s.expires_at - Date.now() > RENEW_MARGIN_MS) return s.token;
    return (await this.start()).token;
  };

  /** Runs a call, and once more with a renewed token when the server no longer accepts the current one. */
  async authorized<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof EdgedeskError) || err.status !== 401 || this.session === null) throw err;
      this.session = null;
      return call();
    }
  }

  /** A verified user of the host site; their conversations follow them, the anonymous visitor's do not. */
  async identify(identity: Identity): Promise<void> {
    if (this.identity?.user_id === identity.user_id && this.identity.user_hash === identity.user_hash) return;
    const previous = this.identity;
    await this.replace(() => (this.identity = identity), () => (this.identity = previous));
  }

  /** The pre-chat form's answers: a contact that has not written yet is started afresh with them. */
  async introduce(details: Details): Promise<void> {
    const previous = this.details;
    await this.replace(() => (this.details = details), () => (this.details = previous), true);
  }

  /** A new session for changed details, after any start under way; a refused one leaves the old details in force. */
  private async replace(apply: () => void, undo: () => void, fresh = false): Promise<void> {
    await this.starting?.catch(() => undefined);
    apply();
    this.session = null;
    try {
      await this.start(fresh);
    } catch (err) {
      undo();
      throw err;
    }
  }

  private start(fresh = false): Promise<Session> {
    this.starting ??= this.withLock(() => this.open(fresh)).finally(() => (this.starting = null));
    return this.starting;
  }

  // Tabs of one site share the resume token, which works once: they take turns so none resumes with a spent one.
  private withLock<T>(fn: () => Promise<T>): Promise<T> {
    const locks = (navigator as Navigator & { locks?: LockManager }).locks;
    return locks ? (locks.request(`edgedesk:${this.tenantId}`, fn) as Promise<T>) : fn();
  }

  private async open(fresh: boolean): Promise<Session> {
    const mem = recall(this.tenantId);
    const id = this.identity;
    const resume = !fresh && !id && !mem.user_id && mem.resume_token ? { resume_token: mem.resume_token } : {};
    const json = id
      ? { tenant_id: this.tenantId, user_id: id.user_id, user_hash: id.user_hash, ...pick(id) }
      : { tenant_id: this.tenantId, ...pick(this.details), ...resume };
    const s = await unwrap(this.publicApi.v1.widget.session.$post({ json }));
    const changed = mem.contact_id !== s.contact_id;
    remember(this.tenantId, {
      resume_token: s.resume_token,
      contact_id: s.contact_id,
      user_id: id?.user_id,
      ...(changed ? { conversation_id: undefined, read_seq: undefined, unsent: undefined } : {}),
    });
    const previous = this.session?.contact_id;
    this.session = s;
    if (changed && (previous !== undefined || mem.contact_id !== undefined)) this.onChanged();
    return s;
  }
}

const pick = (d: Details): Details => ({ ...(d.name ? { name: d.name } : {}), ...(d.email ? { email: d.email } : {}) });
