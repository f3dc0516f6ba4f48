CREATE TABLE `audit_log` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`at` integer NOT NULL,
	`actor_kind` text NOT NULL,
	`actor_id` text NOT NULL,
	`actor_name` text,
	`action` text NOT NULL,
	`target` text,
	`status` integer NOT NULL,
	`request_id` text NOT NULL,
	`changes` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_tenant` ON `audit_log` (`tenant_id`,`at`,`id`);--> statement-breakpoint
CREATE TABLE `tickets` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`conversation_id` text,
	`contact_id` text,
	`subject` text NOT NULL,
	`description` text,
	`priority` text NOT NULL,
	`status` text NOT NULL,
	`assignee_id` text,
	`due_at` integer,
	`external_id` text,
	`external_url` text,
	`sync_status` text NOT NULL,
	`sync_error` text,
	`version` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `tickets_tenant` ON `tickets` (`tenant_id`,`updated_at`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `tickets_conversation` ON `tickets` (`tenant_id`,`conversation_id`);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `scopes` text DEFAULT '["*"]' NOT NULL;