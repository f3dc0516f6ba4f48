import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { EdgedeskError } from "../../sdk/rest";
import { ConversationSocket } from "../../sdk/socket";
import { ServerFrame } from "../../shared/protocol";
import type { ConversationSnapshot } from "../../shared/events";
import type { ContentPart, StandardMessage } from "../../shared/message";
import { accessToken } from "../lib/session";
import { addNote, getConversation, history, listNotes, type Note } from "./api";
import { lastCustomerSeq, upsertMessage, type PendingMessage } from "./timeline";

/** Typing stays shown this long after the last "on" in case the "off" frame is lost. */
const TYPING_TIMEOUT_MS = 6000;
/** While composing, "typing on" is repeated this often, and "off" follows this long after the last key. */
const TYPING_REPEAT_MS = 3000;
const TYPING_IDLE_MS = 4000;

export type ConversationView = {
  snapshot: ConversationSnapshot | null;
  messages: StandardMessage[];
  pending: PendingMessage[];
  notes: Note[];
  loading: boolean;
  error: string | null;
  notesError: string | null;
  customerTyping: boolean;
  /** The highest seq the customer has read: my messages up to it show as read. */
  customerReadSeq: number;
  connected: boolean;
};

const EMPTY: ConversationView = { snapshot: null, messages: [], pending: [], notes: [], loading: true, error: null, notesError: null, customerTyping: false, customerReadSeq: 0, connected: false };

export function problemText(err: unknown): string {
  if (err instanceof EdgedeskError) return err.detail ?? err.title;
  return err instanceof Error ? err.message : String(err);
}

export type ConversationEvents = {
  /** Any frame that may change the lists (a message, a state change). */
  onActivity: (snapshot: ConversationSnapshot | null) => void;
  onCustomerMessage: (m: StandardMessage) => void;
  /** The agent saw messages up to this seq (the view is shown and the window attended). */
  onSeen: (seq: number) => void;
};

/**
 * One conversation as the agent works on it: the stored history first (REST), then its live socket, which
 * resumes after the last seq seen. The agent's sends stay pending until acknowledged and show as failed when refused.
 */
export function useConversation(id: string, me: { id: string; name: string }, attending: boolean, events: ConversationEvents) {
  const [view, setView] = useState<ConversationView>(EMPTY);
  const socket = useRef<ConversationSocket | null>(null);
  const on = useRef(events);
  on.current = events;
  const typingTimer = useRef<number | undefined>(undefined);
  const composing = useRef<{ sentAt: number; idle: number | undefined }>({ sentAt: 0, idle: undefined });

  useEffect(() => {
    setView(EMPTY);
    let live = true;
    let sock: ConversationSocket | null = null;
    const update = (fn: (v: ConversationView) => ConversationView) => live && setView(fn);
    // Notes are extra: a failure to load them is shown, but does not keep the agent from the conversation.
    listNotes(id).then(
      (n) => update((v) => ({ ...v, notes: [...n.data, ...v.notes.filter((x) => !n.data.some((y: Note) => y.id === x.id))] })),
      (err: unknown) => update((v) => ({ ...v, notesError: `Notes unavailable: ${problemText(err)}` })),
    );
    Promise.all([getConversation(id), history(id)])
      .then(([snapshot, messages]) => {
        update((v) => ({ ...v, snapshot, loading: false, messages: messages.reduce(upsertMessage, v.messages) }));
        if (!live) return;
        sock = new ConversationSocket({ baseUrl: location.origin, conversationId: id, token: accessToken, parse: (f) => ServerFrame.parse(f) });
        socket.current = sock;
        sock.on("open", () => update((v) => ({ ...v, connected: true })));
        sock.on("disconnect", () => update((v) => ({ ...v, connected: false })));
        sock.on("frame", (f) => onFrame(f));
      })
      .catch((err: unknown) => update((v) => ({ ...v, loading: false, error: problemText(err) })));

    function onFrame(f: ServerFrame): void {
      switch (f.type) {
        case "welcome":
        case "state":
          update((v) => ({ ...v, snapshot: f.conversation }));
          on.current.onActivity(f.conversation);
          return;
        case "message":
        case "message_update":
          update((v) => ({ ...v, messages: upsertMessage(v.messages, f.message), pending: v.pending.filter((p) => p.client_msg_id !== f.message.client_msg_id) }));
          if (f.type === "message") {
            if (f.message.sender.kind === "customer") {
              update((v) => ({ ...v, customerTyping: false }));
              on.current.onCustomerMessage(f.message);
            }
            on.current.onActivity(null);
          }
          return;
        case "ack":
          update((v) => {
            const p = v.pending.find((x) => x.client_msg_id === f.client_msg_id);
            if (!p || !v.snapshot) return v;
            const sent: StandardMessage = {
              id: f.message_id, seq: f.seq, client_msg_id: f.client_msg_id, tenant_id: v.snapshot.tenant_id, conversation_id: id, channel: v.snapshot.channel,
              direction: "outbound", sender: { kind: "agent", id: me.id, name: me.name }, parts: p.parts, metadata: {}, created_at: p.created_at,
            };
            return { ...v, messages: upsertMessage(v.messages, sent), pending: v.pending.filter((x) => x !== p) };
          });
          on.current.onActivity(null);
          return;
        case "delivery":
          update((v) => ({ ...v, messages: v.messages.map((m) => (m.id === f.message_id ? { ...m, delivery: { status: f.status, ...(f.reason ? { reason: f.reason } : {}) } } : m)) }));
          return;
        case "typing":
          if (f.participant.kind !== "customer") return;
          window.clearTimeout(typingTimer.current);
          update((v) => ({ ...v, customerTyping: f.on }));
          if (f.on) typingTimer.current = window.setTimeout(() => update((v) => ({ ...v, customerTyping: false })), TYPING_TIMEOUT_MS);
          return;
        case "read":
          if (f.participant.kind === "customer") update((v) => ({ ...v, customerReadSeq: Math.max(v.customerReadSeq, f.seq) }));
          return;
        case "error":
          if (f.client_msg_id) update((v) => ({ ...v, pending: v.pending.map((p) => (p.client_msg_id === f.client_msg_id ? { ...p, failed: f.message } : p)) }));
          else update((v) => ({ ...v, error: f.code === "closed" ? "This conversation is closed: reopen it to write." : f.message }));
          return;
        default:
          return;
      }
    }

    return () => {
      live = false;
      window.clearTimeout(typingTimer.current);
      window.clearTimeout(composing.current.idle);
      sock?.close();
      socket.current = null;
    };
  }, [id, me.id, me.name]);

  // Read state goes out only while the agent is actually looking: a console left open in a background tab reads nothing.
  const seen = lastCustomerSeq(view.messages);
  const lastSeq = view.messages.at(-1)?.seq ?? 0;
  useEffect(() => {
    if (!attending || view.loading) return;
    if (seen > 0 && view.connected) socket.current?.read(seen);
    on.current.onSeen(lastSeq);
  }, [attending, seen, lastSeq, view.loading, view.connected]);

  const send = useCallback((parts: ContentPart[]) => {
    const sock = socket.current;
    if (!sock) return;
    stopTyping();
    const frame = sock.sendMessage(parts);
    setView((v) => ({ ...v, error: null, pending: [...v.pending, { client_msg_id: frame.client_msg_id, parts, created_at: Date.now(), failed: null }] }));
  }, []);

  const retry = useCallback((p: PendingMessage) => {
    setView((v) => ({ ...v, pending: v.pending.filter((x) => x !== p) }));
    send(p.parts);
  }, [send]);

  function stopTyping(): void {
    window.clearTimeout(composing.current.idle);
    if (composing.current.sentAt) socket.current?.typing(false);
    composing.current = { sentAt: 0, idle: undefined };
  }

  /** Called on every keystroke in the reply box. */
  const typing = useCallback(() => {
    const c = composing.current;
    // Not sent while the socket is still connecting: the next keystroke tries again.
    if (Date.now() - c.sentAt > TYPING_REPEAT_MS && socket.current?.typing(true)) c.sentAt = Date.now();
    window.clearTimeout(c.idle);
    c.idle = window.setTimeout(stopTyping, TYPING_IDLE_MS);
  }, []);

  const note = useCallback(async (body: string) => {
    const n = await addNote(id, body);
    setView((v) => ({ ...v, notes: [...v.notes, n] }));
  }, [id]);

  const setSnapshot = useCallback((snapshot: ConversationSnapshot) => setView((v) => ({ ...v, snapshot, error: null })), []);

  return { view, send, retry, typing, note, setSnapshot };
}
