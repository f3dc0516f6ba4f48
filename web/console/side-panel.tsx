import { useEffect, useState } from "preact/hooks";
import { ago, contactName } from "../lib/format";
import { assist, contactProfile, insights, type Assist, type ContactProfile, type ConversationInsights } from "./api";
import { channelLabel } from "./labels";
import { problemText } from "./use-conversation";

type Loaded<T> = { data: T | null; error: string | null };

/** Loads again whenever `key` changes (a new conversation, or a new customer message for insights). */
function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ data: null, error: null });
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setState({ data, error: null }),
      (e: unknown) => live && setState((s) => ({ data: s.data, error: problemText(e) })),
    );
    return () => {
      live = false;
    };
  }, [key]);
  return state;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

function sentimentLabel(score: number): string {
  if (score <= -0.5) return "very negative";
  if (score < -0.15) return "negative";
  if (score < 0.15) return "neutral";
  return score < 0.5 ? "positive" : "very positive";
}


export function useProfile(contactId: string | null): Loaded<ContactProfile> {
  return useLoad<ContactProfile | null>(() => (contactId ? contactProfile(contactId) : Promise.resolve(null)), contactId ?? "") as Loaded<ContactProfile>;
}

function Profile(props: { profile: Loaded<ContactProfile>; conversationId: string; onOpen: (id: string) => void }) {
  const { data: p, error } = props.profile;
  return (
    <section class="side-section" data-testid="profile" aria-label="Customer profile">
      <h3>Customer</h3>
      {error && <p class="error">{error}</p>}
      {!p && !error && <p class="muted">Loading profile…</p>}
      {p && (
        <>
          <p class="profile-name">{contactName(p)}</p>
          <dl class="facts">
            {p.email && (
              <>
                <dt>E-mail</dt>
                <dd>{p.email}</dd>
              </>
            )}
            {p.phone && (
              <>
                <dt>Phone</dt>
                <dd>{p.phone}</dd>
              </>
            )}
            <dt>Tier</dt>
            <dd>{p.tier}</dd>
            <dt>Value</dt>
            <dd>{p.lifetime_value.toLocaleString()}</dd>
            {p.identities.length > 0 && (
              <>
                <dt>Channels</dt>
                <dd>{[...new Set(p.identities.map((i) => channelLabel(i.channel)))].join(", ")}</dd>
              </>
            )}
          </dl>
          {p.conversations.length > 1 && (
            <>
              <h4>Other conversations</h4>
              <ul class="mini-list">
                {p.conversations
                  .filter((c) => c.id !== props.conversationId)
                  .slice(0, 8)
                  .map((c) => (
                    <li key={c.id}>
                      <button type="button" class="link" onClick={() => props.onOpen(c.id)}>
                        {channelLabel(c.channel)} · {c.status} · {ago(c.updated_at)}
                      </button>
                    </li>
                  ))}
              </ul>
            </>
          )}
          {p.orders.length > 0 && (
            <>
              <h4>Orders</h4>
              <ul class="mini-list">
                {p.orders.slice(0, 5).map((o) => (
                  <li key={o.id}>
                    {o.tracking_url ? (
                      <a href={o.tracking_url} target="_blank" rel="noopener noreferrer">
                        {o.id}
                      </a>
                    ) : (
                      o.id
                    )}{" "}
                    · {o.status} · {o.total.toLocaleString(undefined, { style: "currency", currency: o.currency })}
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
}

function Insights(props: { conversationId: string; version: string; onInsert: (text: string) => void }) {
  const key = `${props.conversationId}:${props.version}`;
  const ins = useLoad<ConversationInsights>(() => insights(props.conversationId), key);
  const help = useLoad<Assist>(() => assist(props.conversationId), key);
  const i = ins.data;
  return (
    <section class="side-section" data-testid="insights" aria-label="AI insights">
      <h3>AI insights</h3>
      {ins.error && <p class="error">{ins.error}</p>}
      {!i && !ins.error && <p class="muted">Loading insights…</p>}
      {i && (
        <dl class="facts">
          <dt>Intent</dt>
          <dd data-testid="insight-intent">{i.intent && i.intent.intent !== "unknown" ? `${i.intent.intent.replace(/_/g, " ")} (${pct(i.intent.confidence)})` : "Not recognised yet"}</dd>
          <dt>Sentiment</dt>
          <dd>{i.sentiment ? `${sentimentLabel(i.sentiment.score)} (${i.sentiment.score.toFixed(2)})` : "—"}</dd>
          {i.lang && (
            <>
              <dt>Language</dt>
              <dd>{i.lang}</dd>
            </>
          )}
          {i.entities.length > 0 && (
            <>
              <dt>Entities</dt>
              <dd>
                <ul class="chips">
                  {i.entities.slice(0, 12).map((e, n) => (
                    <li key={n} title={e.type}>
                      {e.type}: {e.value}
                    </li>
                  ))}
                </ul>
              </dd>
            </>
          )}
          {i.handoff && (
            <>
              <dt>Handed off</dt>
              <dd>{i.handoff.reason.replace(/_/g, " ")}</dd>
            </>
          )}
        </dl>
      )}
      {help.data && (help.data.suggested_reply || help.data.knowledge.length > 0) && (
        <div class="assist">
          {help.data.suggested_reply && (
            <div class="suggestion">
              <h4>Suggested reply</h4>
              <p>{help.data.suggested_reply}</p>
              <button type="button" data-testid="insert-suggestion" onClick={() => props.onInsert(help.data!.suggested_reply!)}>
                Insert
              </button>
            </div>
          )}
          {help.data.knowledge.length > 0 && (
            <>
              <h4>Knowledge base</h4>
              <ul class="mini-list">
                {help.data.knowledge.slice(0, 3).map((k) => (
                  <li key={k.id} class="kb">
                    <strong>{k.title}</strong>
                    <p>{k.answer}</p>
                    <button type="button" class="link" onClick={() => props.onInsert(k.answer)}>
                      Insert
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </section>
  );
}

export function SidePanel(props: { conversationId: string; profile: Loaded<ContactProfile>; version: string; onInsert: (text: string) => void; onOpen: (id: string) => void }) {
  return (
    <aside class="side" aria-label="Customer and insights">
      <Profile profile={props.profile} conversationId={props.conversationId} onOpen={props.onOpen} />
      <Insights conversationId={props.conversationId} version={props.version} onInsert={props.onInsert} />
    </aside>
  );
}
