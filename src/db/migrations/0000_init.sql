CREATE TABLE `answers` (
	`run_id` integer NOT NULL,
	`question_idx` integer NOT NULL,
	`student_id` text NOT NULL,
	`choice` text NOT NULL,
	`points` integer NOT NULL,
	`received_at_ms` integer NOT NULL,
	PRIMARY KEY(`run_id`, `question_idx`, `student_id`)
);
--> statement-breakpoint
CREATE TABLE `runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sid` text NOT NULL,
	`pool_json` text NOT NULL,
	`phase` text NOT NULL,
	`question_idx` integer,
	`opened_at_ms` integer,
	`deadline_ms` integer,
	`created_at_ms` integer NOT NULL,
	`ended_at_ms` integer
);
--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `students` (
	`run_id` integer NOT NULL,
	`student_id` text NOT NULL,
	`name` text NOT NULL,
	`epoch` integer DEFAULT 0 NOT NULL,
	`released` integer DEFAULT false NOT NULL,
	`joined_at_ms` integer NOT NULL,
	PRIMARY KEY(`run_id`, `student_id`),
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE no action
);
