ALTER TABLE `meta` ADD `bot` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `meta` ADD `insights` text;