import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { ConversationSnapshot } from "../../shared/events";
import type { StandardMessage } from "../../shared/message";
import { contactName } from "../lib/format";
import { signOut, type Session } from "../lib/session";
import { contactProfile, listAgents, listConversations, messagesAfter, routingConfig, type ConversationItem } from "./api";
import { ConversationList } from "./conversation-list";
import { ConversationPane, type PaneHandle } from "./conversation-pane";
import { HelpDialog, type TransferChoices } from "./dialogs";
import { Header } from "./header";
import { inTab, mergeList, settle, tabQuery, type Tab } from "./lists";
import { attending as isAttending, flashTitle, notify } from "./notify";
import { OfferCards, offerDetails } from "./offer-cards";
import { newestOffer } from "./offers";
import { shortcutFor, step } from "./shortcuts";
import { preview } from "./timeline";
import { markRead, mayHaveUnread, parseMarks, unreadCount, type ReadMarks } from "./unread";
import { problemText } from "./use-conversation";
import { useDesk } from "./use-desk";

/** The index is refreshed this often when no frame says something changed. */
const POLL_MS = 10_000;
const SEARCH_DEBOUNCE_MS = 300;
/** Bursts of frames (a flush after reconnect) cause one list refresh, not one each. */
const REFRESH_COALESCE_MS = 250;

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = window.setTimeout(() => setV(value), ms);
    return () => window.clearTimeout(t);
  }, [value, ms]);
  return v;
}

function useAttending(): boolean {
  const [on, setOn] = useState(isAttending());
  useEffect(() => {
    const update = () => setOn(isAttending());
    window.addEventListener("focus", update);
    window.addEventListener("blur", update);
    document.addEventListener("visibilitychange", update);
    return () => {
      window.removeEventListener("focus", update);
      window.removeEventListener("blur", update);
      document.removeEventListener("visibilitychange", update);
    };
  }, []);
  return on;
}

/** Read marks survive reloads, per agent on this browser. */
function useReadMarks(agentId: string) {
  const key = `edgedesk.console.read.${agentId}`;
  const [marks, setMarks] = useState<ReadMarks>(() => parseMarks(localStorage.getItem(key)));
  const mark = useCallback(
    (id: string, seq: number) =>
      setMarks((m) => {
        const next = markRead(m, id, seq);
        if (next !== m) localStorage.setItem(key, JSON.stringify(next));
        return next;
      }),
    [key],
  );
  return { marks, mark };
}

export function Console({ session }: { session: Session }) {
  const me = useMemo(() => ({ id: session.agent.id, name: session.agent.name }), [session.agent.id, session.agent.name]);
  const [tab, setTab] = useState<Tab>("mine");
  const [search, setSearch] = useState("");
  const q = useDebounced(search, SEARCH_DEBOUNCE_MS);
  const [server, setServer] = useState<ConversationItem[]>([]);
  const [known, setKnown] = useState<Map<string, ConversationItem>>(new Map());
  const [loading, setLoading] = useState(true);
  const [listError, setListError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [unread, setUnread] = useState<Map<string, number>>(new Map());
  const [agents, setAgents] = useState<Map<string, string>>(new Map());
  const [choices, setChoices] = useState<TransferChoices>({ agents: [], teams: [], queues: [] });
  const [help, setHelp] = useState(false);
  const [noteMode, setNoteMode] = useState(false);
  const [offerSeen] = useState(() => new Map<string, number>());
  const attending = useAttending();
  const { marks, mark } = useReadMarks(me.id);
  const searchRef = useRef<HTMLInputElement>(null);
  const composerRef = useRef<HTMLTextAreaElement>(null);
  const pane = useRef<PaneHandle | null>(null);
  const serverRef = useRef(server);
  serverRef.current = server;

  const items = useMemo(() => mergeList(server, known, tab, me.id, q.trim() !== ""), [server, known, tab, me.id, q]);
  const itemsRef = useRef(items);
  itemsRef.current = items;

  // One request in flight per list; an answer for an older tab or search is dropped.
  const generation = useRef(0);
  const refresh = useCallback(async () => {
    const gen = ++generation.current;
    try {
      const page = await listConversations(tabQuery(tab, me.id, q));
      if (gen !== generation.current) return;
      setServer(page.data);
      setKnown((k) => settle(k, page.data));
      setListError(null);
    } catch (err) {
      if (gen === generation.current) setListError(problemText(err));
    } finally {
      if (gen === generation.current) setLoading(false);
    }
  }, [tab, me.id, q]);

  const pendingRefresh = useRef<number | undefined>(undefined);
  const refreshSoon = useCallback(() => {
    window.clearTimeout(pendingRefresh.current);
    pendingRefresh.current = window.setTimeout(() => void refresh(), REFRESH_COALESCE_MS);
  }, [refresh]);

  useEffect(() => {
    setLoading(true);
    void refresh();
    const t = window.setInterval(() => void refresh(), POLL_MS);
    return () => window.clearInterval(t);
  }, [refresh]);

  useEffect(() => {
    listAgents()
      .then((r) => {
        setAgents(new Map(r.data.map((a) => [a.id, a.name])));
        setChoices((c) => ({
          ...c,
          agents: r.data.filter((a) => a.id !== me.id).map((a) => ({ id: a.id, name: a.name })),
          teams: [...new Set(r.data.flatMap((a) => a.routing?.teams ?? []))].sort(),
        }));
      })
      .catch(() => undefined);
    routingConfig()
      .then((cfg) => setChoices((c) => ({ ...c, queues: cfg.queues.map((x) => ({ id: x.id, name: x.name })) })))
      .catch(() => undefined);
  }, [me.id]);

  /** What the console learnt first (an action's answer, a socket's state frame) corrects the lists at once. */
  const learn = useCallback(async (snap: ConversationSnapshot) => {
    const existing = serverRef.current.find((c) => c.id === snap.id) ?? itemsRef.current.find((c) => c.id === snap.id);
    const contact =
      existing?.contact ??
      (await contactProfile(snap.contact_id)
        .then((p) => ({ id: p.id, name: p.name, email: p.email, phone: p.phone }))
        .catch(() => null));
    setKnown((k) => {
      const prev = k.get(snap.id);
      if (prev && prev.rev >= snap.rev) return k;
      return new Map(k).set(snap.id, { ...existing, ...snap, contact } as ConversationItem);
    });
  }, []);

  const open = useCallback((id: string) => {
    setSelected(id);
    setNoteMode(false);
    setUnread((u) => (u.get(id) ? new Map(u).set(id, 0) : u));
  }, []);

  const desk = useDesk(me.id, {
    onOffer: (o) => {
      offerSeen.set(o.offer_id, Date.now());
      flashTitle("New chat offer");
      void offerDetails(o.conversation_id).then(
        (d) => notify(`New chat: ${d.customer}`, d.firstMessage ?? `${d.channel}${d.intent ? ` · ${d.intent}` : ""}`, o.offer_id, () => undefined),
        () => notify("New chat offer", "A customer is waiting.", o.offer_id, () => undefined),
      );
    },
    onAssigned: (id) => {
      setTab("mine");
      open(id);
    },
    onActivity: refreshSoon,
  });

  // Unread counts: customer messages after my read mark, counted from the messages themselves.
  const counted = useRef(new Map<string, string>());
  const unreadRef = useRef(unread);
  unreadRef.current = unread;
  const announced = useRef(new Set<string>());
  useEffect(() => {
    let live = true;
    const setCount = (id: string, n: number) => setUnread((u) => ((u.get(id) ?? 0) === n && u.has(id) ? u : new Map(u).set(id, n)));
    (async () => {
      for (const c of items) {
        if (!live) return;
        const readSeq = marks[c.id] ?? 0;
        if (c.id === selected || !mayHaveUnread(c.last_seq, readSeq)) {
          counted.current.delete(c.id);
          setCount(c.id, 0);
          continue;
        }
        const key = `${c.last_seq}:${readSeq}`;
        if (counted.current.get(c.id) === key) continue;
        counted.current.set(c.id, key);
        const page = await messagesAfter(c.id, readSeq, 100).catch(() => null);
        if (!page || !live) continue;
        const n = unreadCount(page.data, readSeq);
        const before = unreadRef.current.get(c.id);
        // The first count of a conversation shows what was already waiting; only messages arriving later are announced.
        if (before !== undefined && n > before && inTab("mine", c, me.id)) announce(c, page.data);
        setCount(c.id, n);
      }
    })();
    return () => {
      live = false;
    };
  }, [items, marks, selected, me.id]);

  function announce(c: ConversationItem, messages: StandardMessage[]): void {
    const last = messages.filter((m) => m.sender.kind === "customer").at(-1);
    if (!last || announced.current.has(last.id)) return;
    announced.current.add(last.id);
    const who = contactName(c.contact ?? { id: c.contact_id });
    flashTitle(`New message from ${who}`);
    notify(`New message from ${who}`, preview(last.parts), c.id, () => open(c.id));
  }

  const onCustomerMessage = useCallback(
    (m: StandardMessage, customer: string) => {
      if (isAttending()) return;
      flashTitle(`New message from ${customer}`);
      notify(`New message from ${customer}`, preview(m.parts), m.id, () => undefined);
    },
    [],
  );

  // Keyboard shortcuts, off while typing in a field.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (document.querySelector("dialog[open]")) return;
      const action = shortcutFor(e, e.target as HTMLElement | null);
      if (!action) return;
      e.preventDefault();
      switch (action) {
        case "next":
        case "previous": {
          const id = step(itemsRef.current.map((c) => c.id), selected, action === "next" ? 1 : -1);
          if (id) open(id);
          return;
        }
        case "accept": {
          const o = newestOffer(desk.offers, Date.now());
          if (o) desk.accept(o.offer_id);
          return;
        }
        case "reply":
          setNoteMode(false);
          composerRef.current?.focus();
          return;
        case "note":
          setNoteMode(true);
          composerRef.current?.focus();
          return;
        case "resolve":
          pane.current?.resolve();
          return;
        case "search":
          searchRef.current?.focus();
          return;
        case "help":
          setHelp(true);
          return;
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [selected, desk.offers, desk.accept, open]);

  const onSeen = useCallback((seq: number) => selected && mark(selected, seq), [selected, mark]);
  const onSnapshot = useCallback(
    (s: ConversationSnapshot) => {
      void learn(s);
      refreshSoon();
    },
    [learn, refreshSoon],
  );

  return (
    <div class="console">
      <Header
        session={session}
        status={desk.status}
        setStatus={desk.setStatus}
        connection={desk.connection}
        error={desk.error}
        onHelp={() => setHelp(true)}
        onSignOut={() => void signOut()}
      />
      <div class="body">
        <div class="left">
          <OfferCards offers={desk.offers} seen={offerSeen} onAccept={desk.accept} onReject={desk.reject} />
          <ConversationList
            tab={tab}
            setTab={(t) => {
              setTab(t);
              setLoading(true);
            }}
            search={search}
            setSearch={setSearch}
            searchRef={searchRef}
            items={items}
            loading={loading}
            error={listError}
            unread={unread}
            selected={selected}
            onSelect={open}
            agentName={(id) => agents.get(id) ?? "another agent"}
            me={me.id}
          />
        </div>
        {selected ? (
          <ConversationPane
            key={selected}
            id={selected}
            me={me}
            agents={agents}
            choices={choices}
            attending={attending}
            noteMode={noteMode}
            setNoteMode={setNoteMode}
            composerRef={composerRef}
            handle={pane}
            onSnapshot={onSnapshot}
            onActivity={refreshSoon}
            onCustomerMessage={onCustomerMessage}
            onSeen={onSeen}
            onOpen={open}
          />
        ) : (
          <section class="pane pane-empty" data-testid="no-selection">
            <div>
              <h2>No conversation selected</h2>
              <p class="muted">Pick one from the list, or accept an offer. Press <kbd>?</kbd> for keyboard shortcuts.</p>
            </div>
          </section>
        )}
      </div>
      {help && <HelpDialog onClose={() => setHelp(false)} />}
    </div>
  );
}
