-- An indexed commit's metadata.
-- Parameters: repo, sha (full).
select sha, parents, author_name, author_email, author_date, subject, release, topo, vanished
  from commits
 where repo = :'repo' and sha = :'sha';
