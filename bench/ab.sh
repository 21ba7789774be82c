#!/usr/bin/env bash
# Before/after in one invocation: each argument string is a benchmark command line
# (python -m ...), run first at commit REV (from a temporary work tree, same venv) and
# then in this tree, so both sides see the same machine load.
#
#   bench/ab.sh dd72a9f "bench.webhook --processes 1 --rate 1000 --seconds 60" \
#                       "bench.webhook --processes 3 --rate 1000 --seconds 60"
set -euo pipefail
cd "$(dirname "$0")/.."
rev=$1
shift
here=$(pwd)
before=$(mktemp -d)
git worktree add --quiet --detach "$before" "$rev"
trap 'git worktree remove --force "$before"' EXIT
for command in "$@"; do
    for side in "$before" "$here"; do
        label=$([ "$side" = "$here" ] && echo "this tree" || echo "$rev")
        echo "## $label: python -m $command (load $(cut -d' ' -f1-3 /proc/loadavg))"
        # shellcheck disable=SC2086  # the command is meant to split into words
        (cd "$side" && PYTHONPATH="$side" "$here/.venv/bin/python" -m $command)
    done
done
