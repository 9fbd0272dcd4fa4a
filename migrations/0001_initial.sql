-- abi-blame's schema: the uapi history of one or more repositories, keyed by natural keys only.
-- No serial ids: a killed and resumed run must leave the same content as an uninterrupted one, and
-- sequences are not transactional. Key columns use COLLATE "C" so ordering (and canonicalDump) is the
-- same on every server whatever its default collation, and btree comparisons stay cheap.
-- Must run unchanged on PostgreSQL 15 and on PGlite.

-- One row per indexed repository; key = the real path of its git dir.
CREATE TABLE repos (
  key    text COLLATE "C" PRIMARY KEY,
  path   text NOT NULL,
  layout jsonb NOT NULL,
  abis   text[] NOT NULL
);

-- A row exists only once the commit is fully indexed: it is written in the same transaction as its
-- deltas and events, so it doubles as the "done" marker a resumed run trusts.
CREATE TABLE commits (
  repo           text COLLATE "C" NOT NULL REFERENCES repos (key),
  sha            text COLLATE "C" NOT NULL,
  -- rewritten: the nearest indexed ancestors, first parent first
  parents        text[] NOT NULL,
  author_name    text,
  author_email   text,
  author_date    timestamptz,
  committer_date timestamptz,
  subject        text,
  -- the first tag containing the commit
  release        text,
  -- position in the topological order of the repo's indexed commits, parents first
  topo           integer NOT NULL,
  vanished       boolean NOT NULL DEFAULT false,
  PRIMARY KEY (repo, sha)
);
CREATE INDEX commits_topo ON commits (repo, topo);

-- Content-addressed RecordLayout bodies (hash = sha256 of the canonical JSON), shared by all repos.
CREATE TABLE layouts (
  hash text COLLATE "C" PRIMARY KEY,
  body jsonb NOT NULL
);

-- A symbol's state at `commit` wherever it differs from the commit's first parent (at a root: every
-- symbol). layout_hash and value both null = the symbol does not exist there. One row holds every
-- ABI with the same state (`abis`, in the order of the ABI list): most macros and many layouts are
-- the same on all 13, and a row per ABI made the root commit of a history 13 times bigger.
CREATE TABLE symbol_deltas (
  repo        text COLLATE "C" NOT NULL,
  commit      text COLLATE "C" NOT NULL,
  abis        text[] COLLATE "C" NOT NULL,
  kind        text COLLATE "C" NOT NULL CHECK (kind IN ('record', 'macro')),
  header      text COLLATE "C" NOT NULL,
  name        text COLLATE "C" NOT NULL,
  layout_hash text REFERENCES layouts (hash),
  value       text,
  ioctl       jsonb,
  PRIMARY KEY (repo, commit, kind, header, name, abis),
  CHECK ((kind = 'record' AND value IS NULL AND ioctl IS NULL) OR (kind = 'macro' AND layout_hash IS NULL))
);
-- symbolAt: every delta of one symbol, then the nearest on the first-parent chain.
CREATE INDEX symbol_deltas_symbol ON symbol_deltas (repo, kind, name, header);

-- Changes attributed to the commit that made them; member '' = the record or macro itself. One row
-- holds every ABI where the change was the same (before and after included).
CREATE TABLE change_events (
  repo   text COLLATE "C" NOT NULL,
  commit text COLLATE "C" NOT NULL,
  abis   text[] COLLATE "C" NOT NULL,
  kind   text COLLATE "C" NOT NULL CHECK (kind IN ('record', 'macro')),
  header text COLLATE "C" NOT NULL,
  name   text COLLATE "C" NOT NULL,
  member text COLLATE "C" NOT NULL DEFAULT '',
  change text COLLATE "C" NOT NULL CHECK (change IN ('introduced', 'added', 'removed', 'moved', 'resized',
    'retyped', 'record-size', 'record-align', 'value', 'ioctl', 'deleted')),
  before jsonb,
  after  jsonb,
  PRIMARY KEY (repo, commit, kind, header, name, member, change, abis)
);
-- blame/history: every event of a symbol by name.
CREATE INDEX change_events_name ON change_events (repo, name);

-- The refs as of the last complete run (what the next run diffs against).
CREATE TABLE refs (
  repo text COLLATE "C" NOT NULL REFERENCES repos (key),
  name text COLLATE "C" NOT NULL,
  sha  text COLLATE "C" NOT NULL,
  PRIMARY KEY (repo, name)
);
