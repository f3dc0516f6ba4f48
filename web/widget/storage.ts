/**
 * What the widget remembers on the host site between page views, per tenant: who the visitor is (the one-use
 * resume token, rotated by every session), the open conversation, how far the visitor has read and the messages
 * not yet stored. Storage that is full or blocked (private mode, sandboxed iframes) only costs that memory.
 */
import type { Outgoing } from "./thread";

export type Remembered = {
  resume_token?: string;
  contact_id?: string;
  /** The signed-in user the contact belongs to; another user (or none) must not see this conversation. */
  user_id?: string;
  conversation_id?: string;
  read_seq?: number;
  unsent?: Outgoing[];
  /** The contact that answered the pre-chat form: its next page views do not ask again. */
  introduced?: string;
};

const key = (tenantId: string) => `edgedesk:${tenantId}`;

export function recall(tenantId: string): Remembered {
  try {
    const raw = localStorage.getItem(key(tenantId));
    const value: unknown = raw ? JSON.parse(raw) : null;
    return value && typeof value === "object" ? (value as Remembered) : {};
  } catch {
    return {};
  }
}

export function remember(tenantId: string, patch: Partial<Remembered>): Remembered {
  const next = { ...recall(tenantId), ...patch };
  for (const k of Object.keys(next) as (keyof Remembered)[]) if (next[k] === undefined) delete next[k];
  try {
    localStorage.setItem(key(tenantId), JSON.stringify(next));
  } catch {
    // not persisted: this page view still works
  }
  return next;
}
