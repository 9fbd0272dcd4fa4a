-- Some indexed commits' metadata, oldest first (topological order), leaving out those that
-- vanished (rewritten history).
-- Parameters: repo, commits (text[] of full shas).
select sha, parents, author_name, author_email, author_date, subject, release, topo
  from commits
 where repo = :'repo' and sha = any(:'commits'::text[]) and not vanished
 order by topo;
