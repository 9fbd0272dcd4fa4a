# Sourced by the bench scripts: history_clone REPO REV DEST makes DEST a bare clone of REPO with its
# tags, refs/heads/bench (HEAD) at REV, and its commit-graph written (a once-per-repository cost
# that bench:index times apart, so the runs that follow do not count it).
history_clone() {
  git clone -q --bare --no-tags "$1" "$3"
  git --git-dir "$3" fetch -q "$1" '+refs/tags/*:refs/tags/*'
  git --git-dir "$3" update-ref refs/heads/bench "$2"
  git --git-dir "$3" symbolic-ref HEAD refs/heads/bench
  git --git-dir "$3" commit-graph write --reachable --split
}
