CREATE TABLE `media` (
	`sha256` text PRIMARY KEY NOT NULL,
	`mime` text NOT NULL,
	`ext` text NOT NULL,
	`size` integer NOT NULL,
	`bytes` blob NOT NULL,
	`created_at_ms` integer NOT NULL
);
