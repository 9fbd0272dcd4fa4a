-- Verdicts consult a commit's record-size, resized and ioctl events (queries/step-context.sql).
-- The primary key reaches a commit's events, but a whole-tree commit has tens of thousands of them;
-- this index goes straight to the few of the kinds asked for.
CREATE INDEX change_events_commit_change ON change_events (repo, commit, change);
