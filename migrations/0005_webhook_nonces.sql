CREATE TABLE `webhook_nonces` (
	`tenant_id` text NOT NULL,
	`channel` text NOT NULL,
	`nonce` text NOT NULL,
	`body_hash` text NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `channel`, `nonce`)
);
--> statement-breakpoint
CREATE INDEX `webhook_nonces_expiry` ON `webhook_nonces` (`expires_at`);