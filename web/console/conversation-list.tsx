import type { RefObject } from "preact";
import { ago, contactName } from "../lib/format";
import type { ConversationItem } from "./api";
import { TAB_LABEL, TABS, type Tab } from "./lists";
import { channelLabel } from "./labels";

export type ListProps = {
  tab: Tab;
  setTab: (t: Tab) => void;
  search: string;
  setSearch: (q: string) => void;
  searchRef: RefObject<HTMLInputElement | null>;
  items: ConversationItem[];
  loading: boolean;
  error: string | null;
  unread: ReadonlyMap<string, number>;
  selected: string | null;
  onSelect: (id: string) => void;
  agentName: (id: string) => string;
  me: string;
};

const EMPTY: Record<Tab, string> = {
  mine: "Nothing assigned to you. Accepted offers appear here.",
  queue: "No one is waiting.",
  open: "No open conversations.",
  resolved: "No resolved conversations yet.",
};

export function ConversationList(props: ListProps) {
  return (
    <nav class="lists" aria-label="Conversations">
      <div class="tabs" role="tablist">
        {TABS.map((t) => (
          <button key={t} type="button" role="tab" aria-selected={props.tab === t} class={props.tab === t ? "active" : ""} data-testid={`tab-${t}`} onClick={() => props.setTab(t)}>
            {TAB_LABEL[t]}
          </button>
        ))}
      </div>
      <input
        ref={props.searchRef}
        type="search"
        class="search"
        data-testid="search"
        aria-label="Search conversations by customer, e-mail, phone or subject"
        placeholder="Search  ( / )"
        value={props.search}
        onInput={(e) => props.setSearch(e.currentTarget.value)}
        onKeyDown={(e) => e.key === "Escape" && (props.setSearch(""), e.currentTarget.blur())}
      />
      {props.error && (
        <p class="error" role="alert">
          {props.error}
        </p>
      )}
      <ul class="conv-list" role="tabpanel" aria-busy={props.loading}>
        {props.items.length === 0 && !props.loading && <li class="empty">{props.search.trim() ? `No conversation matches “${props.search.trim()}”.` : EMPTY[props.tab]}</li>}
        {props.items.map((c) => {
          const unread = props.unread.get(c.id) ?? 0;
          const who = contactName(c.contact ?? { id: c.contact_id });
          return (
            <li key={c.id}>
              <button
                type="button"
                class={`conv${c.id === props.selected ? " active" : ""}${unread ? " has-unread" : ""}`}
                data-testid="conversation-item"
                data-unread={unread}
                data-status={c.status}
                aria-current={c.id === props.selected ? "true" : undefined}
                onClick={() => props.onSelect(c.id)}
              >
                <span class="conv-top">
                  <span class="conv-name">{who}</span>
                  {unread > 0 && (
                    <span class="badge" aria-label={`${unread} unread`}>
                      {unread > 99 ? "99+" : unread}
                    </span>
                  )}
                </span>
                <span class="conv-sub">
                  {channelLabel(c.channel)} · <span class={`status status-${c.status}`}>{c.status}</span>
                  {c.assignee_id && c.assignee_id !== props.me && <> · {props.agentName(c.assignee_id)}</>}
                  {" · "}
                  {ago(c.last_message_at ?? c.updated_at)}
                </span>
                {c.subject && <span class="conv-subject">{c.subject}</span>}
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
