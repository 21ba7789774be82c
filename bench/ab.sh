#!/usr/bin/env bash
# Before/after in one invocation: each argument string is a benchmark command line
# (python -m ...), run first at commit REV (from a temporary work tree, same venv) and
# then in this tree, so both sides see the same machine load.
#
#   bench/ab.sh dd72a9f "bench.webhook --processes 1 --rate 1000 --seconds 60" \
#                       "bench.webhook --processes 3 --rate 1000 --seconds 60"
#
# --this-bench (first argument): both sides run this tree's bench/ files, so a
# benchmark changed since REV measures REV's code the same way.
set -euo pipefail
cd "$(dirname "$0")/.."
this_bench=
if [ "${1:-}" = "--this-bench" ]; then
    this_bench=1
    shift
fi
rev=$1
shift
here=$(pwd)
before=$(mktemp -d)
git worktree add --quiet --detach "$before" "$rev"
trap 'git worktree remove --force "$before"' EXIT
if [ -n "$this_bench" ]; then
    cp "$here"/bench/*.py "$here"/bench/*.sh "$before/bench/"
fi
for command in "$@"; do
    for side in "$before" "$here"; do
        label=$([ "$side" = "$here" ] && echo "this tree" || echo "$rev")
        echo "## $label: python -m $command (load $(cut -d' ' -f1-3 /proc/loadavg))"
        # shellcheck disable=SC2086  # the command is meant to split into words
        (cd "$side" && PYTHONPATH="$side" "$here/.venv/bin/python" -m $command)
    done
done
