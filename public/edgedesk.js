// The pages' shared rendering and session code. The protocol itself (resume by last_seq and since_rev,
// reconnect with backoff, resending unacknowledged messages) and the typed REST client come from the SDK
// (sdk/, bundled into /sdk.js by scripts/build-sdk.ts).
import { createClient, unwrap } from "/sdk.js";

export { ConversationSocket, DeskSocket, EdgedeskError, createClient, unwrap } from "/sdk.js";

const PART_TEXT = {
  call_event: (p) => `📞 call ${p.event}${p.digits ? ` · ${p.digits}` : ""}${p.speech ? ` · “${p.speech}”` : ""}${p.transcript ? `\n${p.transcript}` : ""}`,
  contact: (p) => `👤 ${[p.name, ...(p.phones ?? []).map((x) => x.number), ...(p.emails ?? []).map((x) => x.address)].join(" · ")}`,
  choice: (p) => `☑ ${p.label ?? p.value}`,
  form: (p) => `📝 ${p.name ?? "form"}\n${Object.entries(p.fields).map(([k, v]) => `${k}: ${v}`).join("\n")}`,
  product: (p) => `🛍 ${p.title ?? p.product_id}`,
  unsupported: (p) => `(${p.provider_type}${p.description ? `: ${p.description}` : ""})`,
  location: (p) => `📍 ${[p.name, p.address, p.url ?? `${p.latitude},${p.longitude}`].filter(Boolean).join(" · ")}`,
};

export function renderText(parts) {
  return parts.map((p) => PART_TEXT[p.type]?.(p) ?? p.text ?? p.caption ?? p.title ?? p.url ?? `[${p.type}]`).join("\n");
}

// When a person reads a message as written: the provider's send time, never later than when it was stored.
export const displayTime = (m) => (m.sent_at === undefined ? m.created_at : Math.min(m.sent_at, m.created_at));

const time = (ms) => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

// One message as both sides show it: content, "edited" with the earlier versions on hover, a retraction
// notice instead of the content, and reactions. `actions` adds buttons: react for anyone, edit and unsend
// for the author. The element is keyed by message id, so an update replaces it in place.
export function renderMessage(m, { mine = false, me, actions } = {}) {
  const el = document.createElement("div");
  el.className = "msg" + (mine ? " mine" : "") + (m.sender?.kind === "system" ? " event" : "");
  if (m.id) el.id = `m-${m.id}`;
  el.dataset.t = String(displayTime(m));
  el.dataset.seq = String(m.seq ?? Number.MAX_SAFE_INTEGER);
  const who = document.createElement("small");
  who.textContent = [mine ? null : m.sender?.name ?? m.sender?.kind, time(displayTime(m)), m.edited_at && !m.retracted_at ? "edited" : null].filter(Boolean).join(" · ");
  if (m.edits?.length) who.title = m.edits.map((e) => `${time(e.at)}: ${renderText(e.parts)}`).join("\n");
  el.append(who);
  const body = document.createElement("span");
  body.className = "body";
  body.textContent = m.retracted_at ? "This message was unsent" : renderText(m.parts);
  if (m.retracted_at) el.classList.add("retracted");
  el.append(body);
  const reactions = m.reactions ?? [];
  if (reactions.length) {
    const row = document.createElement("div");
    row.className = "reactions";
    const counts = new Map();
    for (const r of reactions) counts.set(r.emoji, [...(counts.get(r.emoji) ?? []), r.sender.name ?? r.sender.kind]);
    for (const [emoji, names] of counts) {
      const chip = document.createElement("span");
      chip.textContent = names.length > 1 ? `${emoji} ${names.length}` : emoji;
      chip.title = names.join(", ");
      row.append(chip);
    }
    el.append(row);
  }
  if (actions && m.id && !m.retracted_at) {
    const bar = document.createElement("div");
    bar.className = "msg-actions";
    const button = (label, title, onclick) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.title = title;
      b.setAttribute("aria-label", title);
      b.onclick = onclick;
      bar.append(b);
    };
    const reacted = reactions.some((r) => r.sender.id === me && r.emoji === "👍");
    button("👍", reacted ? "Remove reaction" : "React", () => actions.react(m.id, "👍", !reacted));
    if (mine && actions.edit) button("✎", "Edit", () => {
      const next = prompt("Edit message", renderText(m.parts));
      if (next && next.trim()) actions.edit(m.id, next.trim());
    });
    if (mine && actions.retract) button("↶", "Unsend", () => actions.retract(m.id));
    el.append(bar);
  }
  return el;
}

// Places (or replaces) a rendered message in reading order: by display time, then by seq.
export function placeMessage(log, el) {
  const old = el.id && document.getElementById(el.id);
  if (old) return old.replaceWith(el);
  const key = (x) => [Number(x.dataset.t), Number(x.dataset.seq)];
  const [t, seq] = key(el);
  const after = [...log.children].find((x) => { const [xt, xs] = key(x); return xt > t || (xt === t && xs > seq); });
  log.insertBefore(el, after ?? null);
}

// An anonymous visitor comes back with the resume token, a secret only this browser holds (the contact id is
// no secret). Every session answers with a new token and the old one stops working, so it is replaced here
// each time. A different contact than last time means the saved conversation belongs to someone else.
export async function startVisitorSession({ base = location.origin, tenantId, name, storage = localStorage }) {
  const key = `edgedesk:${tenantId}`;
  const saved = JSON.parse(storage.getItem(key) ?? "null");
  const session = await unwrap(
    createClient({ baseUrl: base }).v1.widget.session.$post({ json: { tenant_id: tenantId, name, ...(saved?.resume_token ? { resume_token: saved.resume_token } : {}) } }),
  );
  const remember = (conversationId) =>
    storage.setItem(key, JSON.stringify({ resume_token: session.resume_token, contact_id: session.contact_id, conversation_id: conversationId }));
  const conversationId = saved?.contact_id === session.contact_id ? saved.conversation_id : undefined;
  remember(conversationId);
  return { token: session.token, expiresAt: session.expires_at, contactId: session.contact_id, conversationId, remember };
}
