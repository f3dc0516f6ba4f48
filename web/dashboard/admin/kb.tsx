import { useEffect, useState } from "preact/hooks";
import { unwrap } from "../../../sdk/rest";
import type { Entry, EntryType } from "../../../shared/kb/schemas";
import { api } from "../../lib/session";
import { formatList, parseList } from "./form-map";
import { ConfirmButton, Empty, expectOk, FormActions, Notice, problemText, Select, TextArea, TextInput, toast, useSubmit } from "./ui";

const TYPES: readonly (readonly [EntryType, string])[] = [
  ["faq", "FAQ"],
  ["article", "Article"],
  ["product", "Product"],
  ["process", "Process"],
];
const TYPE_LABEL = Object.fromEntries(TYPES) as Record<EntryType, string>;
const FIELDS = ["type", "title", "body", "answer", "tags", "locale", "quick_replies"];

/** A list row: from the entry list, or a search hit (which carries a snippet instead of the body). */
type Row = { id: string; type: EntryType; title: string; text: string; tags: string[]; locale: string | null };

function EntryForm(props: { entry: Entry | null; onSaved: () => void; onCancel: () => void }) {
  const e = props.entry;
  const [type, setType] = useState<EntryType>(e?.type ?? "faq");
  const [title, setTitle] = useState(e?.title ?? "");
  const [body, setBody] = useState(e?.body ?? "");
  const [answer, setAnswer] = useState(e?.answer ?? "");
  const [tags, setTags] = useState(formatList(e?.tags ?? []));
  const [locale, setLocale] = useState(e?.locale ?? "");
  const [replies, setReplies] = useState((e?.quick_replies ?? []).join("\n"));
  const form = useSubmit(FIELDS, "edit the knowledge base");
  const submit = async (ev: Event) => {
    ev.preventDefault();
    const fields = {
      type,
      title: title.trim(),
      body,
      tags: parseList(tags),
      locale: locale.trim() || null,
      quick_replies: replies.split("\n").map((r) => r.trim()).filter(Boolean),
    };
    const withAnswer = type === "faq" ? { ...fields, answer: answer.trim() } : { ...fields, answer: null };
    const saved = e
      ? await form.run(() => unwrap(api.v1.kb.entries[":id"].$patch({ param: { id: e.id }, json: { ...withAnswer, version: e.version } })), "Entry saved")
      : await form.run(() => unwrap(api.v1.kb.entries.$post({ json: type === "faq" ? withAnswer : fields })), "Entry created");
    if (saved) props.onSaved();
  };
  return (
    <form noValidate class="adm-card" onSubmit={submit} aria-label={e ? `Edit ${e.title}` : "New entry"} data-testid="kb-form">
      <h3>{e ? "Edit entry" : "New entry"}</h3>
      <div class="adm-grid">
        <Select name="type" label="Type" value={type} options={TYPES} onChange={setType} error={form.errors.type} />
        <TextInput name="locale" label="Language (optional)" value={locale} onInput={setLocale} error={form.errors.locale} placeholder="en, zh-CN" />
      </div>
      <TextInput name="title" label={type === "faq" ? "Question" : "Title"} value={title} onInput={setTitle} error={form.errors.title} required maxLength={300} />
      {type === "faq" && <TextArea name="answer" label="Answer" value={answer} onInput={setAnswer} error={form.errors.answer} rows={4} />}
      <TextArea name="body" label={type === "faq" ? "More detail (optional)" : "Text"} value={body} onInput={setBody} error={form.errors.body} rows={type === "faq" ? 3 : 8} />
      <TextInput name="tags" label="Tags" value={tags} onInput={setTags} error={form.errors.tags} hint="Comma-separated." />
      <TextArea name="quick_replies" label="Quick replies" value={replies} onInput={setReplies} error={form.errors.quick_replies} rows={2} hint="One per line; offered as buttons with this entry (at most 10)." />
      <FormActions busy={form.busy} error={form.errors[""]} label={e ? "Save" : "Create entry"}>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </FormActions>
    </form>
  );
}

export function KnowledgeBase() {
  const [q, setQ] = useState("");
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<Entry | "new" | null>(null);
  const load = async (query: string) => {
    try {
      const text = query.trim();
      const next: Row[] = text
        ? (await unwrap(api.v1.kb.search.$get({ query: { q: text, limit: "50" } }))).results.map((r) => ({ id: r.id, type: r.type, title: r.title, text: r.snippet, tags: r.tags, locale: r.locale }))
        : (await unwrap(api.v1.kb.entries.$get({ query: { limit: "100" } }))).data.map((r) => ({ id: r.id, type: r.type, title: r.title, text: r.answer ?? r.body, tags: r.tags, locale: r.locale }));
      setRows(next);
      setError(null);
    } catch (err) {
      setError(problemText(err, "read the knowledge base"));
    }
  };
  useEffect(() => {
    const t = setTimeout(() => void load(q), 250);
    return () => clearTimeout(t);
  }, [q]);
  const edit = async (id: string) => {
    try {
      setEditing(await unwrap(api.v1.kb.entries[":id"].$get({ param: { id } })));
    } catch (err) {
      toast(problemText(err, "read the knowledge base"), "error");
    }
  };
  const remove = async (r: Row) => {
    try {
      await expectOk(api.v1.kb.entries[":id"].$delete({ param: { id: r.id } }));
      toast(`“${r.title}” deleted`);
      await load(q);
    } catch (err) {
      toast(problemText(err, "edit the knowledge base"), "error");
    }
  };
  const saved = () => {
    setEditing(null);
    void load(q);
  };
  return (
    <section class="adm-kb" aria-labelledby="kb-h" data-testid="kb">
      <div class="adm-row-head">
        <h3 id="kb-h">Knowledge base</h3>
        {editing === null && (
          <button type="button" class="adm-primary" data-testid="kb-new" onClick={() => setEditing("new")}>
            New entry
          </button>
        )}
      </div>
      {editing !== null && <EntryForm key={editing === "new" ? "new" : editing.id} entry={editing === "new" ? null : editing} onSaved={saved} onCancel={() => setEditing(null)} />}
      <div class="adm-search">
        <label for="kb-q">Search</label>
        <input id="kb-q" type="search" data-testid="kb-search" value={q} onInput={(e) => setQ(e.currentTarget.value)} placeholder="Search as a customer would ask, in English or Chinese" />
      </div>
      {error && <Notice>{error}</Notice>}
      {rows && rows.length === 0 && <Empty>{q.trim() ? "No entry matches this search." : "The knowledge base is empty: add the questions customers ask most."}</Empty>}
      {rows && rows.length > 0 && (
        <ul class="adm-list" data-testid="kb-list">
          {rows.map((r) => (
            <li key={r.id} class="adm-card" data-testid="kb-row">
              <div class="adm-row-head">
                <strong>{r.title}</strong>
                <span class="adm-pill">{TYPE_LABEL[r.type]}</span>
              </div>
              <p class="adm-body adm-clamp">{r.text}</p>
              {(r.tags.length > 0 || r.locale) && <p class="adm-sub">{[r.locale, ...r.tags].filter(Boolean).join(" · ")}</p>}
              <div class="adm-buttons">
                <button type="button" data-testid="edit" onClick={() => void edit(r.id)}>
                  Edit
                </button>
                <ConfirmButton label="Delete" question={`Delete “${r.title}” and its links?`} confirmLabel="Delete" testid="delete" onConfirm={() => remove(r)} />
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
