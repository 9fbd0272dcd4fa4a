-- Every symbol's state at a commit, per ABI: for each symbol and ABI, the delta nearest to the
-- commit on its first-parent chain. Symbols that do not exist there are left out. Records come with
-- their layout's hash (many ABIs share one): queries/layouts-by-hash.sql gives the bodies.
-- Parameters: repo, commit (full sha), abis (text[]: '{x86_64,i386}').
with recursive chain (sha, next, depth) as (
  select c.sha, c.parents[1], 0
    from commits c
   where c.repo = :'repo' and c.sha = :'commit'
  union all
  select c.sha, c.parents[1], chain.depth + 1
    from chain
    join commits c on c.repo = :'repo' and c.sha = chain.next
),
latest as (
  select distinct on (d.kind, d.header, d.name, a.abi)
         a.abi, d.kind, d.header, d.name, d.layout_hash, d.value, d.ioctl
    from chain
    join symbol_deltas d on d.repo = :'repo' and d.commit = chain.sha
   cross join lateral unnest(d.abis) as a (abi)
   where a.abi = any(:'abis'::text[])
   order by d.kind, d.header, d.name, a.abi, chain.depth
)
select abi, kind, header, name, layout_hash, value, ioctl
  from latest
 where layout_hash is not null or value is not null;
