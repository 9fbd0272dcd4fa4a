#!/bin/bash
# Two builds of abi-blame indexing the same history at the same time, each in its own bare clone:
# on this shared VM the same run takes 60 s one minute and 74 s the next, more than a change of a
# few percent, and runs one after the other (alternate.sh) then rank builds either way. Run at once,
# both meet the same host; each takes about twice as long. Prints each pair's times and peaks.
#
#   scripts/bench/at-once.sh REPO UPTO N DIST_A DIST_B
#       the history of REPO up to UPTO (what bench:index's first phase indexes), N pairs; which
#       build starts first (by 0.2 s) alternates
#
# DIST: a build's dist folder (e.g. a `git worktree` of the base commit, built with `npx tsc`).
set -euo pipefail
source "$(dirname "$0")/history-clone.sh"
input=$1 rev=$2 n=$3 a=$4 b=$5
work=/tmp/abi-blame-at-once
rm -rf "$work" && mkdir -p "$work"
history_clone "$input" "$rev" "$work/pristine.git"
run() { # label dist clone
  # The environment the build's own first line (#!/usr/bin/env -S VAR=… node) sets.
  /usr/bin/time -f "$1: %e s, CPU %U+%S s, peak %M KiB" env $(sed -n '1s/^#!\/usr\/bin\/env -S \(.*\) node$/\1/p' "$2/cli/main.js") DATABASE_URL= \
    node "$2/cli/main.js" index "$3" --abi all --json --ref refs/heads/bench 2>&1 >/dev/null | tail -1
}
for i in $(seq 1 "$n"); do
  for x in a b; do rm -rf "$work/$x.git" && cp -a "$work/pristine.git" "$work/$x.git"; done
  sync
  if [ $((i % 2)) = 1 ]; then first=(A "$a" "$work/a.git") second=(B "$b" "$work/b.git")
  else first=(B "$b" "$work/b.git") second=(A "$a" "$work/a.git"); fi
  run "pair $i ${first[0]} $(basename "$(dirname "${first[1]}")")" "${first[1]}" "${first[2]}" &
  sleep 0.2
  run "pair $i ${second[0]} $(basename "$(dirname "${second[1]}")")" "${second[1]}" "${second[2]}" &
  wait
done
rm -rf "$work"
