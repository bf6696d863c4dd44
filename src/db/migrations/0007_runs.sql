CREATE TABLE `question_opens` (
	`run_id` integer NOT NULL,
	`question_idx` integer NOT NULL,
	`round` integer NOT NULL,
	`opened_at_ms` integer NOT NULL,
	PRIMARY KEY(`run_id`, `question_idx`, `round`),
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `runs` ADD `title` text;--> statement-breakpoint
-- Added by hand: runs from before this table remember the open time of their last question.
INSERT INTO `question_opens` (`run_id`, `question_idx`, `round`, `opened_at_ms`) SELECT `id`, `question_idx`, `round`, `opened_at_ms` FROM `runs` WHERE `question_idx` IS NOT NULL AND `opened_at_ms` IS NOT NULL;
