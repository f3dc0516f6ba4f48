import type { RefObject } from "preact";
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import type { ConversationStatus, StateAction } from "../../shared/conversation-state";
import type { ConversationSnapshot } from "../../shared/events";
import type { StandardMessage } from "../../shared/message";
import type { TransferTarget } from "../../shared/routing-config";
import { contactName } from "../lib/format";
import { changeState } from "./api";
import { Composer } from "./composer";
import { TransferDialog, type TransferChoices } from "./dialogs";
import { MessageBubble, NoteBubble, PendingBubble } from "./message";
import { channelLabel } from "./labels";
import { SidePanel, useProfile } from "./side-panel";
import { senderLabel, timeline } from "./timeline";
import { problemText, useConversation } from "./use-conversation";

const ACTIONS: { action: StateAction; label: string; from: readonly ConversationStatus[] }[] = [
  { action: "assign", label: "Take it", from: ["open", "queued"] },
  { action: "resolve", label: "Resolve", from: ["open", "queued", "assigned"] },
  { action: "reopen", label: "Reopen", from: ["resolved"] },
  { action: "close", label: "Close", from: ["open", "queued", "assigned", "resolved"] },
];

export type PaneHandle = { resolve: () => void };

export type PaneProps = {
  id: string;
  me: { id: string; name: string };
  agents: ReadonlyMap<string, string>;
  choices: TransferChoices;
  attending: boolean;
  noteMode: boolean;
  setNoteMode: (on: boolean) => void;
  composerRef: RefObject<HTMLTextAreaElement | null>;
  handle: RefObject<PaneHandle | null>;
  onSnapshot: (s: ConversationSnapshot) => void;
  onActivity: () => void;
  onCustomerMessage: (m: StandardMessage, customer: string) => void;
  onSeen: (seq: number) => void;
  onOpen: (id: string) => void;
};

export function ConversationPane(props: PaneProps) {
  const customerRef = useRef("the customer");
  const { view, send, retry, typing, note, setSnapshot } = useConversation(props.id, props.me, props.attending, {
    onActivity: (s) => (s ? props.onSnapshot(s) : props.onActivity()),
    onCustomerMessage: (m) => props.onCustomerMessage(m, customerRef.current),
    onSeen: props.onSeen,
  });
  const snap = view.snapshot;
  const profile = useProfile(snap?.contact_id ?? null);
  const customer = contactName(profile.data ?? (snap ? { id: snap.contact_id } : null));
  customerRef.current = customer;
  const [busy, setBusy] = useState<StateAction | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [transferring, setTransferring] = useState(false);
  const [insert, setInsert] = useState<{ text: string; n: number } | null>(null);
  const log = useRef<HTMLOListElement>(null);
  const stick = useRef(true);

  useEffect(() => {
    setActionError(null);
    setTransferring(false);
    stick.current = true;
  }, [props.id]);

  const act = async (action: StateAction, extra: { note?: string; transfer_to?: TransferTarget } = {}) => {
    setBusy(action);
    setActionError(null);
    try {
      const next = await changeState(props.id, action, extra);
      setSnapshot(next);
      props.onSnapshot(next);
    } catch (err) {
      setActionError(problemText(err));
      throw err;
    } finally {
      setBusy(null);
    }
  };
  props.handle.current = { resolve: () => snap && ACTIONS[1]!.from.includes(snap.status) && void act("resolve").catch(() => undefined) };

  const entries = useMemo(() => timeline(view.messages, view.notes, view.pending), [view.messages, view.notes, view.pending]);
  const names = useMemo(() => ({ customer, me: props.me, agents: props.agents }), [customer, props.me, props.agents]);

  // Follow new messages unless the agent scrolled up to read older ones.
  useLayoutEffect(() => {
    const el = log.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [entries.length, view.customerTyping]);

  if (view.loading) return <section class="pane pane-empty" aria-busy="true"><p class="muted">Loading conversation…</p></section>;
  if (!snap) return <section class="pane pane-empty"><p class="error" role="alert">{view.error ?? "This conversation cannot be shown."}</p></section>;

  const assignee = snap.assignee_id ? (snap.assignee_id === props.me.id ? "you" : (props.agents.get(snap.assignee_id) ?? "another agent")) : null;
  const closed = snap.status === "closed" ? "This conversation is closed: the customer starts a new one when they write again. Notes can still be added." : null;

  return (
    <div class="work">
      <section class="pane" aria-label={`Conversation with ${customer}`}>
        <header class="pane-head">
          <div>
            <h2 class="pane-title">{customer}</h2>
            <p class="pane-sub">
              {channelLabel(snap.channel)} · <span class={`status status-${snap.status}`} data-testid="conversation-status">{snap.status}</span>
              {assignee && <> · with {assignee}</>}
              {snap.subject && <> · {snap.subject}</>}
              {!view.connected && <span class="conn conn-reconnecting"> · reconnecting…</span>}
            </p>
          </div>
          <div class="pane-actions">
            {ACTIONS.filter((a) => a.from.includes(snap.status) && !(a.action === "assign" && snap.assignee_id === props.me.id)).map((a) => (
              <button key={a.action} type="button" data-testid={`action-${a.action}`} disabled={busy !== null} onClick={() => void act(a.action).catch(() => undefined)}>
                {busy === a.action ? `${a.label}…` : a.label}
              </button>
            ))}
            {(snap.status === "assigned" || snap.status === "queued") && (
              <button type="button" data-testid="action-transfer" disabled={busy !== null} onClick={() => setTransferring(true)}>
                Transfer…
              </button>
            )}
          </div>
        </header>
        {(actionError || view.error || view.notesError) && (
          <p class="error banner" role="alert">
            {actionError ?? view.error ?? view.notesError}
          </p>
        )}
        <ol
          class="log"
          ref={log}
          aria-label="Messages"
          aria-live="polite"
          onScroll={(e) => {
            const el = e.currentTarget;
            stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
          }}
        >
          {entries.length === 0 && <li class="empty">No messages yet.</li>}
          {entries.map((e) =>
            e.kind === "message" ? (
              <MessageBubble key={e.key} message={e.message} sender={senderLabel(e.message.sender, names)} mine={e.message.sender.kind === "agent" && e.message.sender.id === props.me.id} customerReadSeq={view.customerReadSeq} />
            ) : e.kind === "pending" ? (
              <PendingBubble key={e.key} pending={e.pending} onRetry={() => retry(e.pending)} />
            ) : (
              <NoteBubble key={e.key} note={e.note} mine={e.note.author.id === props.me.id} />
            ),
          )}
        </ol>
        <p class="typing" data-testid="typing" aria-live="polite" hidden={!view.customerTyping}>
          {view.customerTyping ? `${customer} is typing…` : ""}
        </p>
        <Composer
          disabled={props.noteMode ? null : closed}
          noteMode={props.noteMode}
          setNoteMode={props.setNoteMode}
          inputRef={props.composerRef}
          insert={insert}
          onSend={send}
          onNote={note}
          onTyping={typing}
        />
      </section>
      <SidePanel conversationId={props.id} profile={profile} version={String(view.messages.filter((m) => m.sender.kind === "customer").length)} onInsert={(text) => setInsert((i) => ({ text, n: (i?.n ?? 0) + 1 }))} onOpen={props.onOpen} />
      {transferring && <TransferDialog choices={props.choices} onClose={() => setTransferring(false)} onTransfer={(to, n) => act("transfer", { transfer_to: to, ...(n ? { note: n } : {}) })} />}
    </div>
  );
}
