CREATE TABLE `ask_votes` (
	`run_id` integer NOT NULL,
	`ask_id` integer NOT NULL,
	`student_id` text NOT NULL,
	`voted_at_ms` integer NOT NULL,
	PRIMARY KEY(`ask_id`, `student_id`)
);
--> statement-breakpoint
CREATE INDEX `ask_votes_run_id` ON `ask_votes` (`run_id`);--> statement-breakpoint
CREATE TABLE `asks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`student_id` text NOT NULL,
	`text` text NOT NULL,
	`state` text DEFAULT 'open' NOT NULL,
	`asked_at_ms` integer NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `asks_run_id` ON `asks` (`run_id`);--> statement-breakpoint
CREATE TABLE `pulses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`student_id` text NOT NULL,
	`value` text NOT NULL,
	`sent_at_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `pulses_run_id` ON `pulses` (`run_id`);