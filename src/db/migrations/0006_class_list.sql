CREATE TABLE `class_list` (
	`student_id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`position` integer
);
