-- Hand-corrected after drizzle-kit: the old answers table has no round column, so its rows copy as round 1.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_answers` (
	`run_id` integer NOT NULL,
	`question_idx` integer NOT NULL,
	`round` integer DEFAULT 1 NOT NULL,
	`student_id` text NOT NULL,
	`choice` text NOT NULL,
	`points` integer NOT NULL,
	`received_at_ms` integer NOT NULL,
	PRIMARY KEY(`run_id`, `question_idx`, `round`, `student_id`)
);
--> statement-breakpoint
INSERT INTO `__new_answers`("run_id", "question_idx", "round", "student_id", "choice", "points", "received_at_ms") SELECT "run_id", "question_idx", 1, "student_id", "choice", "points", "received_at_ms" FROM `answers`;--> statement-breakpoint
DROP TABLE `answers`;--> statement-breakpoint
ALTER TABLE `__new_answers` RENAME TO `answers`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
ALTER TABLE `runs` ADD `round` integer DEFAULT 1 NOT NULL;