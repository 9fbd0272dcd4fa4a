-- Record layouts by their content hash (symbol_deltas.layout_hash).
-- Parameters: hashes (text[]).
select hash, body
  from layouts
 where hash = any(:'hashes'::text[]);
