-- A symbol's change events. Their commits' metadata (and order: by commits.topo, then member and
-- change) come from commits.sql: joined here, every event row would carry its commit's author,
-- subject and parents again, and reading those repeats is most of the time on a long timeline.
-- Parameters: repo, kind ('record' | 'macro'), header ('linux/kvm.h'), name ('kvm_run'),
--   member: '' for the whole symbol, else a member path ('system_event'); the path covers its
--   sub-members ('system_event.flags') and the record's own events (member = '').
select e.commit, e.abis, e.kind, e.header, e.name, e.member, e.change, e.before, e.after
  from change_events e
 where e.repo = :'repo' and e.kind = :'kind' and e.header = :'header' and e.name = :'name'
   and (:'member' = '' or e.member = '' or e.member = :'member'
        or left(e.member, length(:'member') + 1) = :'member' || '.');
