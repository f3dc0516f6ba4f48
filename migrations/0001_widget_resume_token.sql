ALTER TABLE `contacts` ADD `resume_token_hash` text;--> statement-breakpoint
ALTER TABLE `contacts` ADD `resume_expires_at` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_resume_token` ON `contacts` (`tenant_id`,`resume_token_hash`);