-- What a name is in the index: record (struct/union tag or typedef name) or macro, and every
-- header it was recorded under, with how many change events it has there.
-- Parameters: repo (repos.key), name.
select kind, header, count(*)::int as events
  from change_events
 where repo = :'repo' and name = :'name'
 group by kind, header
 order by kind desc, events desc, header;
