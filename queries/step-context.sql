-- What else changed in some commits that a verdict needs to know: records that changed size
-- (does an ioctl encode it?), members that were resized (is a grown record embedded there?) and
-- ioctl numbers that changed (which record grew?).
-- Parameters: repo, commits (text[] of full shas).
select e.commit, e.abis, e.kind, e.header, e.name, e.member, e.change, e.before, e.after
  from change_events e
 where e.repo = :'repo' and e.commit = any(:'commits'::text[])
   and e.change in ('record-size', 'resized', 'ioctl');
