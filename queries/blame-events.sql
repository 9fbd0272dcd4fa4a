-- A symbol's change events, oldest first, each with its commit's metadata. Commits that vanished
-- (rewritten history) are left out.
-- Parameters: repo, kind ('record' | 'macro'), header ('linux/kvm.h'), name ('kvm_run'),
--   member: '' for the whole symbol, else a member path ('system_event'); the path covers its
--   sub-members ('system_event.flags') and the record's own events (member = '').
select e.commit, e.abis, e.kind, e.header, e.name, e.member, e.change, e.before, e.after,
       c.parents, c.author_name, c.author_email, c.author_date, c.subject, c.release, c.topo
  from change_events e
  join commits c on c.repo = e.repo and c.sha = e.commit
 where e.repo = :'repo' and e.kind = :'kind' and e.header = :'header' and e.name = :'name'
   and not c.vanished
   and (:'member' = '' or e.member = '' or e.member = :'member'
        or left(e.member, length(:'member') + 1) = :'member' || '.')
 order by c.topo, e.member, e.change;
