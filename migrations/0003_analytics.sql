CREATE TABLE `analytics_conversations` (
	`tenant_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`channel` text NOT NULL,
	`contact_id` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`rev` integer NOT NULL,
	`queue` text,
	`team` text,
	`agent` text,
	`intent` text,
	`bot` integer NOT NULL,
	`first_response_ms` real,
	`first_human_response_ms` real,
	`answered` integer NOT NULL,
	`abandoned` integer NOT NULL,
	`wait_ms` real NOT NULL,
	`handle_ms` real NOT NULL,
	`transfers` integer NOT NULL,
	`reopens` integer NOT NULL,
	`agents_count` integer NOT NULL,
	`resolutions` integer NOT NULL,
	`first_resolved_at` integer,
	`agents_at_first_resolution` integer,
	`resolved_by` text,
	`reopened_at` integer,
	`ended_at` integer,
	`csat` integer,
	`nps` integer,
	`fcr` integer,
	`fcr_dirty` integer DEFAULT 0 NOT NULL,
	`received_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `conversation_id`)
);
--> statement-breakpoint
CREATE INDEX `analytics_conversations_created` ON `analytics_conversations` (`tenant_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `analytics_conversations_contact` ON `analytics_conversations` (`tenant_id`,`contact_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `analytics_conversations_resolved` ON `analytics_conversations` (`tenant_id`,`first_resolved_at`);--> statement-breakpoint
CREATE INDEX `analytics_conversations_received` ON `analytics_conversations` (`tenant_id`,`received_at`);--> statement-breakpoint
CREATE TABLE `analytics_orders` (
	`tenant_id` text NOT NULL,
	`order_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`conversation_id` text,
	`amount` real NOT NULL,
	`currency` text NOT NULL,
	`ordered_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `order_id`)
);
--> statement-breakpoint
CREATE INDEX `analytics_orders_contact` ON `analytics_orders` (`tenant_id`,`contact_id`,`ordered_at`);--> statement-breakpoint
CREATE TABLE `analytics_patterns` (
	`tenant_id` text NOT NULL,
	`day` text NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`n` integer NOT NULL,
	`total` real NOT NULL,
	PRIMARY KEY(`tenant_id`, `day`, `kind`, `key`)
);
--> statement-breakpoint
CREATE TABLE `analytics_settings` (
	`tenant_id` text PRIMARY KEY NOT NULL,
	`body` text NOT NULL,
	`last_run_at` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `rollup_daily` (
	`tenant_id` text NOT NULL,
	`channel` text NOT NULL,
	`queue` text NOT NULL,
	`team` text NOT NULL,
	`agent` text NOT NULL,
	`metric` text NOT NULL,
	`bin` integer NOT NULL,
	`n` integer NOT NULL,
	`total` real NOT NULL,
	`day` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `day`, `metric`, `channel`, `queue`, `team`, `agent`, `bin`)
);
--> statement-breakpoint
CREATE TABLE `rollup_dirty` (
	`tenant_id` text NOT NULL,
	`hour` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `hour`)
);
--> statement-breakpoint
CREATE TABLE `rollup_hourly` (
	`tenant_id` text NOT NULL,
	`channel` text NOT NULL,
	`queue` text NOT NULL,
	`team` text NOT NULL,
	`agent` text NOT NULL,
	`metric` text NOT NULL,
	`bin` integer NOT NULL,
	`n` integer NOT NULL,
	`total` real NOT NULL,
	`hour` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `hour`, `metric`, `channel`, `queue`, `team`, `agent`, `bin`)
);
--> statement-breakpoint
ALTER TABLE `events` ADD `batch` text;