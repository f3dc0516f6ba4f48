ALTER TABLE `messages` ADD `sent_at` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `edited_at` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `edits` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `retracted_at` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `reactions` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `changed_rev` integer;