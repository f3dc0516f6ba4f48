CREATE TABLE `agents` (
	`id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`role` text DEFAULT 'agent' NOT NULL,
	`routing` text,
	`csat` real,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `agents_email` ON `agents` (`tenant_id`,`email`);--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`key_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_tenant` ON `api_keys` (`tenant_id`);--> statement-breakpoint
CREATE TABLE `channels` (
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`config_ciphertext` text NOT NULL,
	`spec` text,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `name`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `contact_identities` (
	`tenant_id` text NOT NULL,
	`channel` text NOT NULL,
	`external_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `channel`, `external_id`)
);
--> statement-breakpoint
CREATE INDEX `contact_identities_contact` ON `contact_identities` (`tenant_id`,`contact_id`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text,
	`email` text,
	`phone` text,
	`external_user_id` text,
	`tier` text DEFAULT 'standard' NOT NULL,
	`lifetime_value` real DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_external_user` ON `contacts` (`tenant_id`,`external_user_id`);--> statement-breakpoint
CREATE INDEX `contacts_email` ON `contacts` (`tenant_id`,`email`);--> statement-breakpoint
CREATE INDEX `contacts_phone` ON `contacts` (`tenant_id`,`phone`);--> statement-breakpoint
CREATE TABLE `conversations` (
	`id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`channel` text NOT NULL,
	`status` text NOT NULL,
	`contact_id` text NOT NULL,
	`assignee_id` text,
	`subject` text,
	`external_thread_id` text,
	`last_seq` integer NOT NULL,
	`last_message_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`rev` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `conversations_status` ON `conversations` (`tenant_id`,`status`,`updated_at`);--> statement-breakpoint
CREATE INDEX `conversations_contact` ON `conversations` (`tenant_id`,`contact_id`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`type` text NOT NULL,
	`conversation_id` text NOT NULL,
	`rev` integer NOT NULL,
	`payload` text NOT NULL,
	`occurred_at` integer NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_tenant_time` ON `events` (`tenant_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `events_conversation` ON `events` (`tenant_id`,`conversation_id`,`rev`);--> statement-breakpoint
CREATE TABLE `provider_messages` (
	`tenant_id` text NOT NULL,
	`channel` text NOT NULL,
	`provider_message_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`message_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `channel`, `provider_message_id`)
);
--> statement-breakpoint
CREATE TABLE `routing_config` (
	`tenant_id` text PRIMARY KEY NOT NULL,
	`body` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `tenants` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`identity_secret` text NOT NULL,
	`identity_verification` integer DEFAULT false NOT NULL,
	`allowed_origins` text DEFAULT '[]' NOT NULL,
	`crm_lookup` text,
	`created_at` integer NOT NULL
);
