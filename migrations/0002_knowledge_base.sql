-- Knowledge base (R3.3), written by hand rather than generated: drizzle-kit cannot express an FTS5 virtual table,
-- and kb/store.ts writes an entry and its index row together in one D1 batch of plain prepared statements, so
-- none of these tables is in a drizzle schema. meta/0002_snapshot.json carries 0001's snapshot forward unchanged:
-- `npm run db:generate` therefore neither re-creates nor drops these tables and numbers its next migration 0003.
CREATE TABLE `kb_entries` (
	-- The FTS5 rowid of the entry's index row. An INTEGER PRIMARY KEY is an alias of the rowid, so VACUUM keeps it.
	`doc_id` integer PRIMARY KEY,
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`type` text NOT NULL CHECK (`type` IN ('article', 'faq', 'product', 'process')),
	`title` text NOT NULL,
	`body` text DEFAULT '' NOT NULL,
	`answer` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`locale` text,
	`attributes` text DEFAULT '{}' NOT NULL,
	`quick_replies` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `kb_entries_id` ON `kb_entries` (`tenant_id`, `id`);
--> statement-breakpoint
CREATE INDEX `kb_entries_recent` ON `kb_entries` (`tenant_id`, `updated_at`, `id`);
--> statement-breakpoint
CREATE INDEX `kb_entries_type` ON `kb_entries` (`tenant_id`, `type`, `updated_at`, `id`);
--> statement-breakpoint
CREATE TABLE `kb_links` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`from_id` text NOT NULL,
	`to_id` text NOT NULL,
	`type` text NOT NULL CHECK (`type` IN ('has_faq', 'uses_process', 'related', 'next_step')),
	`created_at` integer NOT NULL,
	PRIMARY KEY (`tenant_id`, `id`),
	-- A link never outlives either end, whoever deletes the entry.
	FOREIGN KEY (`tenant_id`, `from_id`) REFERENCES `kb_entries`(`tenant_id`, `id`) ON DELETE cascade,
	FOREIGN KEY (`tenant_id`, `to_id`) REFERENCES `kb_entries`(`tenant_id`, `id`) ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `kb_links_triple` ON `kb_links` (`tenant_id`, `from_id`, `to_id`, `type`);
--> statement-breakpoint
CREATE INDEX `kb_links_to` ON `kb_links` (`tenant_id`, `to_id`);
--> statement-breakpoint
-- The full-text index: one row per entry (rowid = kb_entries.doc_id) holding the text of shared/kb/text.ts
-- indexText (Han runs as bigrams). Marks count as word characters, as they do in indexText.
CREATE VIRTUAL TABLE `kb_fts` USING fts5(
	tenant_id UNINDEXED,
	entry_id UNINDEXED,
	title,
	body,
	tokenize = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'"
);
