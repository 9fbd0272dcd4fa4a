-- Every symbol name the index has for a repository (records and macros): the candidates for
-- "did you mean" when a name is unknown.
-- Parameters: repo.
select distinct name, kind
  from change_events
 where repo = :'repo';
