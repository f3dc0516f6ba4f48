CREATE TABLE `desk_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`body` text NOT NULL,
	`occurred_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `desk_presence` (
	`agent_id` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`conversations` integer NOT NULL,
	`load` real NOT NULL,
	`since` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `desk_today` (
	`id` integer PRIMARY KEY NOT NULL,
	`tz` text NOT NULL,
	`day` text NOT NULL,
	`answered` integer NOT NULL,
	`answered_within_sl` integer NOT NULL,
	`abandoned` integer NOT NULL
);
