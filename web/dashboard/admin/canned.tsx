import type { InferResponseType } from "hono/client";
import { useEffect, useState } from "preact/hooks";
import { unwrap } from "../../../sdk/rest";
import { api } from "../../lib/session";
import { ConfirmButton, Empty, expectOk, FormActions, Notice, Page, problemText, TextArea, TextInput, toast, useSubmit } from "./ui";

type Canned = InferResponseType<(typeof api.v1)["canned-responses"]["$get"], 200>["data"][number];
const FIELDS = ["shortcut", "title", "body", "language"];

function CannedForm(props: { canned: Canned | null; onSaved: () => void; onCancel?: () => void }) {
  const c = props.canned;
  const [shortcut, setShortcut] = useState(c?.shortcut ?? "");
  const [title, setTitle] = useState(c?.title ?? "");
  const [body, setBody] = useState(c?.body ?? "");
  const [language, setLanguage] = useState(c?.language ?? "");
  const form = useSubmit(FIELDS, "edit canned responses");
  const submit = async (e: Event) => {
    e.preventDefault();
    const lang = language.trim();
    const json = { shortcut: shortcut.trim(), title: title.trim(), body, ...(lang ? { language: lang } : {}) };
    const saved = c
      ? await form.run(() => unwrap(api.v1["canned-responses"][":id"].$patch({ param: { id: c.id }, json })), "Canned response saved")
      : await form.run(() => unwrap(api.v1["canned-responses"].$post({ json })), "Canned response created");
    if (saved) {
      if (!c) [setShortcut, setTitle, setBody, setLanguage].forEach((set) => set(""));
      props.onSaved();
    }
  };
  return (
    <form noValidate class="adm-card" onSubmit={submit} aria-label={c ? `Edit ${c.title}` : "New canned response"} data-testid="canned-form">
      {!c && <h3>New canned response</h3>}
      <div class="adm-grid">
        <TextInput name="shortcut" label="Shortcut" value={shortcut} onInput={setShortcut} error={form.errors.shortcut} required placeholder="refund" hint="Agents type /shortcut in the composer." />
        <TextInput name="title" label="Title" value={title} onInput={setTitle} error={form.errors.title} required />
        <TextInput name="language" label="Language (optional)" value={language} onInput={setLanguage} error={form.errors.language} placeholder="en, zh" />
      </div>
      <TextArea name="body" label="Text" value={body} onInput={setBody} error={form.errors.body} rows={4} />
      <FormActions busy={form.busy} error={form.errors[""]} label={c ? "Save" : "Create"}>
        {props.onCancel && (
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </FormActions>
    </form>
  );
}

export function CannedPage() {
  const [q, setQ] = useState("");
  const [items, setItems] = useState<Canned[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const load = async (query: string, after: string | null) => {
    try {
      const page = await unwrap(api.v1["canned-responses"].$get({ query: { limit: "50", ...(query.trim() ? { q: query.trim() } : {}), ...(after ? { cursor: after } : {}) } }));
      setItems((prev) => (after && prev ? [...prev, ...page.data] : page.data));
      setCursor(page.next_cursor);
      setError(null);
    } catch (err) {
      setError(problemText(err, "read canned responses"));
    }
  };
  useEffect(() => {
    const t = setTimeout(() => void load(q, null), 250);
    return () => clearTimeout(t);
  }, [q]);
  const remove = async (c: Canned) => {
    try {
      await expectOk(api.v1["canned-responses"][":id"].$delete({ param: { id: c.id } }));
      toast(`“${c.title}” deleted`);
      await load(q, null);
    } catch (err) {
      toast(problemText(err, "delete canned responses"), "error");
    }
  };
  return (
    <Page id="canned" title="Canned responses" intro="Saved replies agents insert with a shortcut. Supervisors and admins edit them; every agent can use them.">
      <CannedForm canned={null} onSaved={() => void load(q, null)} />
      <div class="adm-search">
        <label for="canned-q">Search</label>
        <input id="canned-q" type="search" data-testid="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} placeholder="Shortcut, title or text" />
      </div>
      {error && <Notice>{error}</Notice>}
      {items && items.length === 0 && <Empty>{q.trim() ? "Nothing matches this search." : "No canned responses yet."}</Empty>}
      {items && items.length > 0 && (
        <ul class="adm-list" data-testid="canned-list">
          {items.map((c) =>
            editing === c.id ? (
              <li key={c.id}>
                <CannedForm canned={c} onCancel={() => setEditing(null)} onSaved={() => (setEditing(null), void load(q, null))} />
              </li>
            ) : (
              <li key={c.id} class="adm-card" data-testid="canned-row">
                <div class="adm-row-head">
                  <strong>
                    <code>/{c.shortcut}</code> {c.title}
                  </strong>
                  {c.language && <span class="adm-pill">{c.language}</span>}
                </div>
                <p class="adm-body">{c.body}</p>
                <div class="adm-buttons">
                  <button type="button" data-testid="edit" onClick={() => setEditing(c.id)}>
                    Edit
                  </button>
                  <ConfirmButton label="Delete" question={`Delete “${c.title}”?`} confirmLabel="Delete" testid="delete" onConfirm={() => remove(c)} />
                </div>
              </li>
            ),
          )}
        </ul>
      )}
      {cursor && (
        <button type="button" data-testid="more" onClick={() => void load(q, cursor)}>
          Show more
        </button>
      )}
    </Page>
  );
}
