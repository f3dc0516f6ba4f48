import "./console.css";
import { render } from "preact";
import { RequireSession } from "../lib/sign-in";
import { Console } from "./app";

render(<RequireSession product="console">{(s) => <Console key={s.agent.id} session={s} />}</RequireSession>, document.getElementById("app")!);
