-- One symbol's state at a commit on one ABI: the delta of the nearest commit on the commit's
-- first-parent chain that has one (deltas are recorded against the first parent). The recursive
-- walk stops at the first hit, so the cost is the distance to the symbol's last change.
-- No row, or a row with layout_hash and value both null: the symbol does not exist there.
-- Parameters: repo, abi, kind ('record' | 'macro'), header, name, commit (full sha).
with recursive chain (sha, next, hit) as (
  select c.sha, c.parents[1],
         exists (select 1 from symbol_deltas d
                  where d.repo = c.repo and d.commit = c.sha and :'abi' = any(d.abis)
                    and d.kind = :'kind' and d.header = :'header' and d.name = :'name')
    from commits c
   where c.repo = :'repo' and c.sha = :'commit'
  union all
  select c.sha, c.parents[1],
         exists (select 1 from symbol_deltas d
                  where d.repo = c.repo and d.commit = c.sha and :'abi' = any(d.abis)
                    and d.kind = :'kind' and d.header = :'header' and d.name = :'name')
    from chain
    join commits c on c.repo = :'repo' and c.sha = chain.next
   where not chain.hit
)
select d.commit, d.layout_hash, d.value, d.ioctl, l.body
  from chain
  join symbol_deltas d on d.repo = :'repo' and d.commit = chain.sha and :'abi' = any(d.abis)
   and d.kind = :'kind' and d.header = :'header' and d.name = :'name'
  left join layouts l on l.hash = d.layout_hash
 where chain.hit;
