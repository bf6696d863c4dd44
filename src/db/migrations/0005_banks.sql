CREATE TABLE `banks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`pool_json` text NOT NULL,
	`media_json` text DEFAULT '[]' NOT NULL,
	`source_path` text,
	`created_at_ms` integer NOT NULL,
	`updated_at_ms` integer NOT NULL
);
