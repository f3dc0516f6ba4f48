// Minimal browser client for the /v1 conversation protocol: resumes with last_seq and re-sends
// unacknowledged messages with their original client_msg_id, so reconnects neither lose nor duplicate.
export class ConversationSocket {
  constructor({ base = location.origin, conversationId, token, onFrame }) {
    Object.assign(this, { base, conversationId, token, onFrame });
    this.lastSeq = 0;
    this.pending = new Map();
    this.backoff = 500;
    this.connect();
  }

  connect() {
    const url = new URL(`/v1/conversations/${this.conversationId}/ws`, this.base.replace(/^http/, "ws"));
    url.searchParams.set("token", this.token);
    url.searchParams.set("last_seq", String(this.lastSeq));
    this.ws = new WebSocket(url);
    this.ws.onopen = () => {
      this.backoff = 500;
      for (const frame of this.pending.values()) this.ws.send(JSON.stringify(frame));
    };
    this.ws.onmessage = (e) => {
      const frame = JSON.parse(e.data);
      if (frame.type === "message") this.lastSeq = Math.max(this.lastSeq, frame.message.seq);
      if (frame.type === "ack") {
        this.pending.delete(frame.client_msg_id);
        this.lastSeq = Math.max(this.lastSeq, frame.seq);
      }
      if (frame.type === "error" && frame.client_msg_id) this.pending.delete(frame.client_msg_id);
      this.onFrame(frame);
    };
    this.ws.onclose = (e) => {
      if (this.closed || e.code === 4001) return;
      setTimeout(() => this.connect(), this.backoff);
      this.backoff = Math.min(this.backoff * 2, 10_000);
    };
  }

  sendText(text) {
    const frame = { type: "message", client_msg_id: crypto.randomUUID(), parts: [{ type: "text", text }] };
    this.pending.set(frame.client_msg_id, frame);
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
    return frame;
  }

  typing(on) {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ type: "typing", on }));
  }

  read(seq) {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ type: "read", seq }));
  }

  close() {
    this.closed = true;
    this.ws.close(1000);
  }
}

export function renderText(parts) {
  return parts.map((p) => p.text ?? p.caption ?? p.title ?? p.url ?? (p.type === "call_event" ? `📞 call ${p.event}` : `[${p.type}]`)).join("\n");
}

// An anonymous visitor comes back with the resume token, a secret only this browser holds (the contact id is
// no secret). Every session answers with a new token and the old one stops working, so it is replaced here
// each time. A different contact than last time means the saved conversation belongs to someone else.
export async function startVisitorSession({ base = location.origin, tenantId, name, storage = localStorage }) {
  const key = `edgedesk:${tenantId}`;
  const saved = JSON.parse(storage.getItem(key) ?? "null");
  const res = await fetch(new URL("/v1/widget/session", base), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ tenant_id: tenantId, name, ...(saved?.resume_token ? { resume_token: saved.resume_token } : {}) }),
  });
  const session = await res.json();
  if (!res.ok) throw new Error(session.detail ?? session.title);
  const remember = (conversationId) =>
    storage.setItem(key, JSON.stringify({ resume_token: session.resume_token, contact_id: session.contact_id, conversation_id: conversationId }));
  const conversationId = saved?.contact_id === session.contact_id ? saved.conversation_id : undefined;
  remember(conversationId);
  return { token: session.token, expiresAt: session.expires_at, contactId: session.contact_id, conversationId, remember };
}
