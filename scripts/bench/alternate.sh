#!/bin/bash
# Two builds of abi-blame timed in alternation on the same input, for a change smaller than this
# machine's drift (a shared VM: the same run takes 10-13 s an hour apart, so figures taken one
# build after the other mislead). Prints each run, then the median wall and CPU time per build.
#
#   scripts/bench/alternate.sh day SNAPSHOT TIP N DIST_A DIST_B
#       the day from a snapshot of `npm run bench:index -- --history-snapshot SNAPSHOT` (restored
#       before every run at SNAPSHOT.work, where it was indexed), refs/heads/bench moved to TIP
#   scripts/bench/alternate.sh history REPO UPTO N DIST_A DIST_B
#       the history of a bare clone of REPO up to UPTO (what bench:index's first phase indexes),
#       its commit-graph written beforehand: a once-per-repository cost bench:index times apart
#
# DIST: a build's dist folder (e.g. a `git worktree` of the base commit, built with `npx tsc`).
set -euo pipefail
source "$(dirname "$0")/history-clone.sh"
mode=$1 input=$2 rev=$3 n=$4
shift 4
dists=("$@")
work=$([ "$mode" = day ] && echo "$input.work" || echo /tmp/abi-blame-alternate)
pristine=/tmp/abi-blame-alternate.pristine
if [ "$mode" = history ]; then
  rm -rf "$pristine" && mkdir -p "$pristine"
  history_clone "$input" "$rev" "$pristine/repo.git"
fi
declare -A walls cpus
for i in $(seq 1 "$n"); do
  for dist in "${dists[@]}"; do
    rm -rf "$work"
    if [ "$mode" = day ]; then
      cp -a "$input" "$work"
      git --git-dir "$work/repo.git" update-ref refs/heads/bench "$rev"
    else
      cp -a "$pristine" "$work"
    fi
    sync
    # The environment the build's own first line (#!/usr/bin/env -S VAR=… node) sets.
    line=$(/usr/bin/time -f '%e %U %S' env $(sed -n '1s/^#!\/usr\/bin\/env -S \(.*\) node$/\1/p' "$dist/cli/main.js") DATABASE_URL= node "$dist/cli/main.js" index "$work/repo.git" \
      --abi all --json --ref refs/heads/bench 2>&1 >/dev/null | tail -1)
    read -r wall user sys <<< "$line"
    cpu=$(awk "BEGIN {print $user + $sys}")
    echo "run $i $dist: ${wall} s, CPU ${cpu} s"
    walls[$dist]="${walls[$dist]:-} $wall"
    cpus[$dist]="${cpus[$dist]:-} $cpu"
  done
done
rm -rf "$work" "$pristine"
median() { tr ' ' '\n' <<< "$1" | grep . | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
for dist in "${dists[@]}"; do
  echo "$dist: median ${mode} $(median "${walls[$dist]}") s, CPU $(median "${cpus[$dist]}") s (runs:${walls[$dist]})"
done
