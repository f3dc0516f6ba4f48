CREATE TABLE `desk_decisions` (
	`offer_id` text PRIMARY KEY NOT NULL,
	`conversation_id` text NOT NULL,
	`agent_id` text NOT NULL,
	`decided_at` integer NOT NULL,
	`outcome` text NOT NULL,
	`breakdown` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `desk_decisions_conversation` ON `desk_decisions` (`conversation_id`,`decided_at`);--> statement-breakpoint
CREATE TABLE `desk_entities` (
	`kind` text NOT NULL,
	`id` text NOT NULL,
	`body` text NOT NULL,
	PRIMARY KEY(`kind`, `id`)
);
--> statement-breakpoint
CREATE TABLE `desk_meta` (
	`id` integer PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`body` text NOT NULL
);
