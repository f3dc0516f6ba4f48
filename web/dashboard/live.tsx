import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { unwrap } from "../../sdk/rest";
import { DeskSocket } from "../../sdk/socket";
import { DeskOverview, DeskServerFrame } from "../../shared/desk-protocol";
import { QueuesReport } from "../../shared/analytics/api";
import { contactName, duration } from "../lib/format";
import { accessToken, api } from "../lib/session";
import { errorText, listConversations, type Directory, type ListedConversation } from "./directory";
import { channelLabel, statusLabel } from "./labels";
import { applyFrame, fromOverview, loadLabel, queueRows, reassignCandidates, riskOf, STATUS_ORDER, teamLoad, ticking, type DeskAgent, type LiveState } from "./live-model";
import { localDate } from "./range";

/** The REST baseline is read again this often even when the socket says nothing (it may be down). */
const REFRESH_MS = 10_000;
/** Frames come in bursts (an assignment is several); one read after the burst is enough. */
const SETTLE_MS = 400;
const ALERTS_KEPT = 6;

type Alert = { at: number; kind: string; conversation_id: string; queue_id: string; detail: string | undefined };
type Lists = { queued: Map<string, ListedConversation>; assigned: ListedConversation[] };
type Snapshot = { state: LiveState; lists: Lists; slToday: Map<string, number | null> };

async function readDesk(tz: string): Promise<Snapshot> {
  const today = localDate(Date.now(), tz);
  const [overview, queued, assigned, queues] = await Promise.all([
    unwrap(api.v1.routing.desk.$get()).then((b) => DeskOverview.parse(b)),
    listConversations("queued"),
    listConversations("assigned"),
    // Today's service level per queue is a report: without it the table still shows the live columns.
    unwrap(api.v1.analytics.queues.$get({ query: { from: today, to: today } }))
      .then((b) => QueuesReport.parse(b).data)
      .catch(() => []),
  ]);
  return {
    state: fromOverview(overview, Date.now()),
    lists: { queued: new Map(queued.map((c) => [c.id, c])), assigned },
    slToday: new Map(queues.flatMap((q) => (q.queue_id === null ? [] : [[q.queue_id, q.service_level.value] as const]))),
  };
}

function useNow(ms: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

export function LivePage(props: { directory: Directory; tz: string }) {
  const [snap, setSnap] = useState<Snapshot | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [connected, setConnected] = useState(false);
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [reassigning, setReassigning] = useState<{ id: string; holder: string | null; customer: string } | null>(null);
  const now = useNow(1000);
  const settle = useRef<ReturnType<typeof setTimeout> | null>(null);

  // Frames are applied to the latest snapshot at once, outside a render, so it is kept in a ref as well.
  const current = useRef<Snapshot | null>(null);
  const show = useCallback((s: Snapshot) => {
    current.current = s;
    setSnap(s);
  }, []);

  const refresh = useCallback(() => {
    readDesk(props.tz).then(
      (s) => {
        show(s);
        setError(null);
      },
      (err: unknown) => setError(errorText(err)),
    );
  }, [props.tz]);

  const soon = useCallback(() => {
    if (settle.current) clearTimeout(settle.current);
    settle.current = setTimeout(refresh, SETTLE_MS);
  }, [refresh]);

  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    const socket = new DeskSocket({ baseUrl: location.origin, token: accessToken, parse: (f) => DeskServerFrame.parse(f) });
    const offs = [
      socket.on("open", () => setConnected(true)),
      socket.on("disconnect", () => setConnected(false)),
      socket.on("frame", (f) => {
        const s = current.current;
        const next = s ? applyFrame(s.state, f, Date.now()) : null;
        if (s && next) show({ ...s, state: next.state });
        if (f.type === "alert" && (f.kind === "sla_warning" || f.kind === "sla_breach" || f.kind === "supervisor_alert")) {
          setAlerts((list) => [{ at: Date.now(), kind: f.kind, conversation_id: f.conversation_id, queue_id: f.queue_id, detail: f.detail }, ...list].slice(0, ALERTS_KEPT));
        }
        if (!next || next.refresh) soon();
      }),
    ];
    return () => {
      clearInterval(timer);
      if (settle.current) clearTimeout(settle.current);
      for (const off of offs) off();
      socket.close();
    };
  }, [refresh, soon, show]);

  if (!snap) {
    return (
      <section class="dash-page">
        <h1>Live</h1>
        {error ? (
          <p class="notice error" role="alert">
            The live desk could not be loaded: {error}
          </p>
        ) : (
          <p class="notice" aria-busy="true">
            Loading the live desk…
          </p>
        )}
      </section>
    );
  }
  return (
    <LiveView
      snap={snap}
      now={now}
      connected={connected}
      error={error}
      alerts={alerts}
      directory={props.directory}
      onReassign={setReassigning}
      reassigning={reassigning}
      onDone={() => {
        setReassigning(null);
        refresh();
      }}
    />
  );
}

type Row = { id: string; customer: string; channel: string | null; queue: string; status: "queued" | "assigned"; holder: string | null; waitedMs: number | null; since: number | null; risk: ReturnType<typeof riskOf> };

function LiveView(props: {
  snap: Snapshot;
  now: number;
  connected: boolean;
  error: string | null;
  alerts: Alert[];
  directory: Directory;
  reassigning: { id: string; holder: string | null; customer: string } | null;
  onReassign: (r: { id: string; holder: string | null; customer: string }) => void;
  onDone: () => void;
}) {
  const { state, lists, slToday } = props.snap;
  const { overview, at, liveAt } = state;
  const live = overview.live;
  const d = props.directory;
  const now = props.now;
  const skills = useMemo(() => new Map(d.agents.map((a) => [a.id, a.skills])), [d.agents]);
  const slaOf = useMemo(() => new Map(d.queues.map((q) => [q.id, q.sla_first_response_s])), [d.queues]);
  const queues = queueRows(live, d.queues, overview.agents, (id) => skills.get(id) ?? [], slToday);
  const load = teamLoad(overview.agents);
  const longest = ticking(live.longest_wait_ms, liveAt, now);
  // Red once someone has waited past their own queue's first-response threshold.
  const overdue = queues.some((q) => q.sla_s !== null && (ticking(q.longest_wait_ms, liveAt, now) ?? 0) > q.sla_s * 1000);

  const waiting: Row[] = overview.waiting.map((w) => {
    const listed = lists.queued.get(w.conversation_id);
    const waited = ticking(w.waited_ms, at, now) ?? 0;
    return {
      id: w.conversation_id,
      customer: contactName(listed?.contact ?? (listed ? { id: listed.contact_id } : null)),
      channel: listed?.channel ?? null,
      queue: d.queueName(w.queue_id),
      status: "queued",
      holder: null,
      waitedMs: waited,
      since: null,
      risk: riskOf(waited, slaOf.get(w.queue_id) ?? null, d.warnRatio),
    };
  });
  waiting.sort((a, b) => (b.waitedMs ?? 0) - (a.waitedMs ?? 0));
  const assigned: Row[] = lists.assigned.map((c) => ({
    id: c.id,
    customer: contactName(c.contact ?? { id: c.contact_id }),
    channel: c.channel,
    queue: "—",
    status: "assigned",
    holder: c.assignee_id,
    waitedMs: null,
    since: c.updated_at,
    risk: "ok",
  }));
  const customerOf = new Map([...waiting, ...assigned].map((r) => [r.id, r.customer]));

  return (
    <section class="dash-page" aria-labelledby="live-title">
      <header class="page-head">
        <h1 id="live-title">Live</h1>
        <p class={`conn ${props.connected ? "up" : "down"}`} role="status" data-testid="live-connection">
          {props.connected ? "Live" : "Reconnecting… (refreshing every 10 s)"}
        </p>
        {props.error && (
          <p class="notice error" role="alert">
            Last refresh failed: {props.error}
          </p>
        )}
      </header>

      <div class="tiles">
        <div class="tile" data-testid="tile-waiting">
          <span class="tile-label">Waiting now</span>
          <strong class="tile-value">{live.waiting}</strong>
          <span class="tile-note">{live.offers_pending} being offered</span>
        </div>
        <div class={`tile ${overdue ? "bad" : ""}`} data-testid="tile-longest-wait">
          <span class="tile-label">Longest wait</span>
          <strong class="tile-value">{longest === null ? "—" : duration(longest / 1000)}</strong>
          <span class="tile-note">{longest === null ? "nobody waiting" : "and counting"}</span>
        </div>
        <div class={`tile ${live.sla_at_risk > 0 ? "warn" : ""}`} data-testid="tile-sla-risk">
          <span class="tile-label">SLA at risk</span>
          <strong class="tile-value">{live.sla_at_risk}</strong>
          <span class="tile-note">waiting past the warning point</span>
        </div>
        <div class="tile" data-testid="tile-agents">
          <span class="tile-label">Agents</span>
          <ul class="status-counts">
            {STATUS_ORDER.map((s) => (
              <li key={s}>
                <span class={`dot ${s}`} aria-hidden="true" /> {statusLabel(s)} <strong>{live.agents[s]}</strong>
              </li>
            ))}
            {live.agents.disconnected > 0 && <li class="muted">{live.agents.disconnected} without a console open</li>}
          </ul>
        </div>
        <div class="tile" data-testid="tile-load">
          <span class="tile-label">Load</span>
          <strong class="tile-value">
            {load.active} / {load.capacity}
          </strong>
          <span class="tile-note">{load.used === null ? "nobody signed in" : `${Math.round(load.used * 100)}% of capacity in use`}</span>
        </div>
        <div class="tile" data-testid="tile-sl-today">
          <span class="tile-label">Service level today</span>
          <strong class="tile-value">{live.today.service_level === null ? "—" : `${Math.round(live.today.service_level * 100)}%`}</strong>
          <span class="tile-note">
            {live.today.answered} answered, {live.today.abandoned} abandoned
          </span>
        </div>
      </div>

      {props.alerts.length > 0 && (
        <ul class="alerts" aria-label="Recent alerts" data-testid="alerts">
          {props.alerts.map((a) => (
            <li key={`${a.at}-${a.conversation_id}-${a.kind}`} class={a.kind === "sla_breach" ? "bad" : "warn"}>
              <strong>{a.kind === "sla_breach" ? "SLA breached" : a.kind === "sla_warning" ? "SLA at risk" : "Supervisor alert"}</strong> {customerOf.get(a.conversation_id) ?? "A customer"} in {d.queueName(a.queue_id)}
              {a.detail ? ` — ${a.detail}` : ""} <span class="muted">{duration((now - a.at) / 1000)} ago</span>
            </li>
          ))}
        </ul>
      )}

      <div class="columns">
        <div class="panel">
          <h2>Queues</h2>
          <div class="table-wrap">
            <table class="data" data-testid="queue-table">
              <thead>
                <tr>
                  <th scope="col">Queue</th>
                  <th scope="col">Waiting</th>
                  <th scope="col">Longest wait</th>
                  <th scope="col">At risk</th>
                  <th scope="col">Agents available</th>
                  <th scope="col">SL today</th>
                </tr>
              </thead>
              <tbody>
                {queues.map((q) => {
                  const wait = ticking(q.longest_wait_ms, liveAt, now);
                  return (
                    <tr key={q.id}>
                      <th scope="row">{q.name}</th>
                      <td>{q.waiting}</td>
                      <td class={wait !== null && q.sla_s !== null && wait > q.sla_s * 1000 ? "bad" : ""}>{wait === null ? "—" : duration(wait / 1000)}</td>
                      <td>{q.sla_at_risk}</td>
                      <td>{q.agents_available}</td>
                      <td>{q.service_level === null ? "—" : `${Math.round(q.service_level * 100)}%`}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </div>

        <div class="panel">
          <h2>Agents</h2>
          {overview.agents.length === 0 ? (
            <p class="notice">No agents yet. Add them under Admin.</p>
          ) : (
            <div class="table-wrap">
              <table class="data" data-testid="agents-table">
                <thead>
                  <tr>
                    <th scope="col">Agent</th>
                    <th scope="col">Status</th>
                    <th scope="col">Load</th>
                    <th scope="col">Capacity used</th>
                  </tr>
                </thead>
                <tbody>
                  {[...overview.agents]
                    .sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) || a.name.localeCompare(b.name))
                    .map((a) => (
                      <tr key={a.id} data-testid="agent-row">
                        <th scope="row">{a.name}</th>
                        <td>
                          <span class={`dot ${a.status}`} aria-hidden="true" /> {statusLabel(a.status)}
                          {!a.connected && a.status !== "offline" && <span class="muted"> · console closed</span>}
                          {!a.on_shift && <span class="muted"> · off shift</span>}
                        </td>
                        <td>{loadLabel(a)}</td>
                        <td>
                          <meter min={0} max={1} high={0.99} value={Math.min(1, a.budget_used)} aria-label={`${a.name}: ${Math.round(a.budget_used * 100)}% of capacity`} /> {Math.round(a.budget_used * 100)}%
                        </td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      </div>

      <div class="panel">
        <h2>Conversations waiting and assigned</h2>
        {waiting.length + assigned.length === 0 ? (
          <p class="notice" data-testid="live-empty">
            Nobody is waiting and no conversation is assigned.
          </p>
        ) : (
          <div class="table-wrap">
            <table class="data" data-testid="live-conversations">
              <thead>
                <tr>
                  <th scope="col">Customer</th>
                  <th scope="col">Channel</th>
                  <th scope="col">Queue</th>
                  <th scope="col">Status</th>
                  <th scope="col">Wait</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {[...waiting, ...assigned].map((r) => (
                  <tr key={r.id} class={r.risk} data-testid="live-conversation">
                    <th scope="row">{r.customer}</th>
                    <td>{r.channel ? channelLabel(r.channel) : "—"}</td>
                    <td>{r.queue}</td>
                    <td>{r.status === "queued" ? "Waiting" : `With ${d.agentName(r.holder)}`}</td>
                    <td>
                      {r.waitedMs !== null ? duration(r.waitedMs / 1000) : r.since !== null ? `since ${duration((now - r.since) / 1000)}` : "—"}
                      {r.risk === "at_risk" && <span class="badge warn">at risk</span>}
                      {r.risk === "breached" && <span class="badge bad">SLA breached</span>}
                    </td>
                    <td>
                      <button type="button" class="secondary small" data-testid="reassign" onClick={() => props.onReassign({ id: r.id, holder: r.holder, customer: r.customer })}>
                        Reassign
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      {props.reassigning && <ReassignDialog target={props.reassigning} agents={overview.agents} onClose={props.onDone} />}
    </section>
  );
}

/**
 * A waiting conversation is assigned to the agent chosen; one an agent holds is transferred to them (the state
 * machine assigns only from the queue, and a transfer keeps the first agent's hand-over note).
 */
function ReassignDialog(props: { target: { id: string; holder: string | null; customer: string }; agents: DeskAgent[]; onClose: () => void }) {
  const candidates = reassignCandidates(props.agents, props.target.holder);
  const [agentId, setAgentId] = useState(candidates[0]?.id ?? "");
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    box.current?.querySelector("select")?.focus();
    const esc = (e: KeyboardEvent) => e.key === "Escape" && props.onClose();
    document.addEventListener("keydown", esc);
    return () => document.removeEventListener("keydown", esc);
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!agentId) return;
    setBusy(true);
    setError(null);
    try {
      const json = props.target.holder === null
        ? { action: "assign" as const, assignee_id: agentId, ...(note ? { note } : {}) }
        : { action: "transfer" as const, transfer_to: { kind: "agent" as const, agent_id: agentId }, ...(note ? { note } : {}) };
      await unwrap(api.v1.conversations[":id"].state.$post({ param: { id: props.target.id }, json }));
      props.onClose();
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  return (
    <div class="overlay" role="presentation" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="reassign-title" ref={box} data-testid="reassign-dialog">
        <form onSubmit={submit}>
          <h2 id="reassign-title">Reassign {props.target.customer}</h2>
          {candidates.length === 0 ? (
            <p class="notice">There is no other agent to give this conversation to.</p>
          ) : (
            <>
              <label>
                Agent
                <select data-testid="reassign-agent" value={agentId} onChange={(e) => setAgentId(e.currentTarget.value)}>
                  {candidates.map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.name} — {statusLabel(a.status)}
                      {a.budget_used >= 1 ? ", full" : ""}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Note for the agent (optional)
                <textarea value={note} maxLength={2000} rows={3} onInput={(e) => setNote(e.currentTarget.value)} />
              </label>
            </>
          )}
          {error && (
            <p class="notice error" role="alert">
              {error}
            </p>
          )}
          <div class="dialog-actions">
            <button type="button" class="secondary" onClick={props.onClose}>
              Cancel
            </button>
            <button type="submit" data-testid="reassign-confirm" disabled={busy || !agentId}>
              {busy ? "Reassigning…" : props.target.holder === null ? "Assign" : "Transfer"}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
