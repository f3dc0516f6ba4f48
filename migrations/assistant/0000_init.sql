CREATE TABLE `dialogs` (
	`conversation_id` text PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `episodes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`conversation_id` text NOT NULL,
	`ctx` text NOT NULL,
	`action` text NOT NULL,
	`reward` real,
	`created_at` integer NOT NULL,
	`settled_at` integer
);
--> statement-breakpoint
CREATE INDEX `episodes_conversation` ON `episodes` (`conversation_id`);--> statement-breakpoint
CREATE INDEX `episodes_created` ON `episodes` (`created_at`);--> statement-breakpoint
CREATE TABLE `kv` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`contact_id` text PRIMARY KEY NOT NULL,
	`events` text NOT NULL,
	`intent` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sessions_labelled` ON `sessions` (`intent`,`updated_at`);--> statement-breakpoint
CREATE TABLE `turns` (
	`message_id` text PRIMARY KEY NOT NULL,
	`conversation_id` text NOT NULL,
	`decision` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `turns_created` ON `turns` (`created_at`);