import "./dashboard.css";
import { render } from "preact";
import { RequireSession } from "../lib/sign-in";
import { Dashboard } from "./app";

render(
  <RequireSession product="dashboard" roles={["supervisor", "admin"]}>
    {(s) => <Dashboard key={`${s.tenant.id}:${s.agent.id}`} session={s} />}
  </RequireSession>,
  document.getElementById("app")!,
);
