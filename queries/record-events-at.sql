-- All of a record's change events in some commits: what blame undoes, from the layout stored after
-- each commit, to see the record as it was before it (a member query reads only the member's own
-- events in blame-events.sql, but the layout before needs every change the commit made).
-- Parameters: repo, header, name, commits (text[] of full shas).
select e.commit, e.abis, e.kind, e.header, e.name, e.member, e.change, e.before, e.after
  from change_events e
 where e.repo = :'repo' and e.commit = any(:'commits'::text[]) and e.kind = 'record'
   and e.header = :'header' and e.name = :'name'
 -- The order blame-events.sql gives: renames pair the first match.
 order by e.member, e.change;
