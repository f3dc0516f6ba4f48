import { useState } from "preact/hooks";
import { AgentStatus } from "../../shared/routing/schemas";
import type { Session } from "../lib/session";
import { askNotifications, canAskNotifications } from "./notify";
import type { DeskConnection } from "./use-desk";

const STATUS_LABEL: Record<AgentStatus, string> = { available: "Available", away: "Away", busy: "Busy", offline: "Offline" };
const CONNECTION_LABEL: Record<DeskConnection, string> = { connecting: "Connecting…", connected: "Connected", reconnecting: "Reconnecting…", offline: "Disconnected" };

export function Header(props: {
  session: Session;
  status: AgentStatus | null;
  setStatus: (s: AgentStatus) => void;
  connection: DeskConnection;
  error: string | null;
  onHelp: () => void;
  onSignOut: () => void;
}) {
  const [askable, setAskable] = useState(canAskNotifications());
  return (
    <header class="top">
      <div class="brand">
        <img src="/favicon.svg" alt="" width={22} height={22} />
        <span>edgedesk</span>
        <span class="tenant">{props.session.tenant.name}</span>
      </div>
      <div class="top-mid">
        <span class={`conn conn-${props.connection}`} data-testid="connection" role="status">
          <span class="dot" aria-hidden="true" />
          {CONNECTION_LABEL[props.connection]}
        </span>
        {props.error && (
          <span class="error" role="alert">
            {props.error}
          </span>
        )}
      </div>
      <div class="top-right">
        {askable && (
          <button
            type="button"
            class="link"
            onClick={() => {
              askNotifications();
              setAskable(false);
            }}
          >
            Enable notifications
          </button>
        )}
        <label class="status-select">
          <span class="agent-name">{props.session.agent.name}</span>
          <select
            data-testid="status-select"
            aria-label="Your status"
            class={`status-${props.status ?? "offline"}`}
            value={props.status ?? "offline"}
            onChange={(e) => {
              askNotifications();
              setAskable(canAskNotifications());
              props.setStatus(AgentStatus.parse(e.currentTarget.value));
            }}
          >
            {AgentStatus.options.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="icon" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={props.onHelp} data-testid="help">
          ?
        </button>
        <button type="button" onClick={props.onSignOut} data-testid="sign-out">
          Sign out
        </button>
      </div>
    </header>
  );
}
