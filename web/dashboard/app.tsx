import { useEffect, useState } from "preact/hooks";
import { unwrap } from "../../sdk/rest";
import { signOut, api, type Session } from "../lib/session";
import { adminPages } from "./admin/index";
import { ConversationsPage } from "./conversations";
import { errorText, useDirectory, type Loaded } from "./directory";
import { HistoryPage } from "./history";
import { LivePage } from "./live";
import { adminHash, parseRoute, routeHash, type Route } from "./route";

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return route;
}

/** The tenant's analytics time zone: the day boundaries of every report, so the pickers and charts use it too. */
function useTimeZone(): Loaded<string> {
  const [tz, setTz] = useState<Loaded<string>>({ state: "loading" });
  useEffect(() => {
    unwrap(api.v1.analytics.settings.$get()).then(
      (s) => setTz({ state: "ready", value: s.timezone }),
      (err: unknown) => setTz({ state: "error", message: errorText(err) }),
    );
  }, []);
  return tz;
}

export function Dashboard(props: { session: Session }) {
  const route = useRoute();
  const directory = useDirectory();
  const tz = useTimeZone();
  const [menu, setMenu] = useState(false);
  // The admin list drops down over the page: it opens when asked and closes on navigation or a click elsewhere.
  const [adminMenu, setAdminMenu] = useState(false);
  const admin = adminPages.find((p) => p.id === route.admin) ?? null;

  useEffect(() => {
    if (!location.hash) history.replaceState(null, "", routeHash("live"));
    setMenu(false);
    setAdminMenu(false);
  }, [route]);

  useEffect(() => {
    if (!adminMenu) return;
    const close = (e: Event) => {
      if (!(e.target instanceof Element) || !e.target.closest(".dash-admin")) setAdminMenu(false);
    };
    const escape = (e: KeyboardEvent) => e.key === "Escape" && setAdminMenu(false);
    document.addEventListener("click", close);
    document.addEventListener("keydown", escape);
    return () => {
      document.removeEventListener("click", close);
      document.removeEventListener("keydown", escape);
    };
  }, [adminMenu]);

  const link = (href: string, label: string, active: boolean, testid?: string) => (
    <li>
      <a href={href} class={active ? "active" : ""} aria-current={active ? "page" : undefined} data-testid={testid}>
        {label}
      </a>
    </li>
  );

  let body;
  if (route.page === "admin") {
    body = admin ? <admin.Page session={props.session} /> : <p class="dash-missing">Choose an admin page from the menu.</p>;
  } else if (directory.state === "error" || tz.state === "error") {
    body = (
      <div class="dash-page">
        <p class="notice error" role="alert">
          The dashboard could not load its data: {directory.state === "error" ? directory.message : tz.state === "error" ? tz.message : ""}{" "}
          <button type="button" class="secondary small" onClick={() => location.reload()}>
            Try again
          </button>
        </p>
      </div>
    );
  } else if (directory.state === "loading" || tz.state === "loading") {
    body = (
      <div class="dash-page">
        <p class="notice" aria-busy="true">
          Loading…
        </p>
      </div>
    );
  } else if (route.page === "history") {
    body = <HistoryPage params={route.params} directory={directory.value} tz={tz.value} />;
  } else if (route.page === "conversations") {
    body = <ConversationsPage params={route.params} directory={directory.value} tz={tz.value} />;
  } else {
    body = <LivePage directory={directory.value} tz={tz.value} />;
  }

  return (
    <div class="dash">
      <header class="dash-nav">
        <a class="dash-brand" href={routeHash("live")}>
          <img src="/favicon.svg" alt="" width={24} height={24} />
          <span>edgedesk</span>
          <span class="dash-tenant">{props.session.tenant.name}</span>
        </a>
        <button type="button" class="dash-menu-toggle" aria-expanded={menu} aria-controls="dash-menu" onClick={() => setMenu(!menu)}>
          Menu
        </button>
        <nav id="dash-menu" class={menu ? "open" : ""} aria-label="Dashboard">
          <ul>
            {link(routeHash("live"), "Live", route.page === "live", "nav-live")}
            {link(routeHash("history"), "History", route.page === "history", "nav-history")}
            {link(routeHash("conversations"), "Conversations", route.page === "conversations", "nav-conversations")}
          </ul>
          {adminPages.length > 0 && (
            <details class={`dash-admin${route.page === "admin" ? " active" : ""}`} open={adminMenu} onToggle={(e) => setAdminMenu(e.currentTarget.open)}>
              <summary data-testid="nav-admin">Admin</summary>
              <ul>{adminPages.map((p) => link(adminHash(p.id), p.title, route.admin === p.id, `nav-admin-${p.id}`))}</ul>
            </details>
          )}
        </nav>
        <div class="dash-user">
          <span data-testid="nav-user">
            {props.session.agent.name} <span class="dash-role">{props.session.agent.role}</span>
          </span>
          <button type="button" data-testid="sign-out" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main class="dash-main">{body}</main>
    </div>
  );
}
