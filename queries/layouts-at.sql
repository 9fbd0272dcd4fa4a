-- A record's stored layout at each of some commits where it changed (one row per group of ABIs
-- with the same layout). The record's state after the commit.
-- Parameters: repo, header, name, commits (text[]).
select d.commit, d.abis, l.body
  from symbol_deltas d
  join layouts l on l.hash = d.layout_hash
 where d.repo = :'repo' and d.commit = any(:'commits'::text[]) and d.kind = 'record'
   and d.header = :'header' and d.name = :'name';
