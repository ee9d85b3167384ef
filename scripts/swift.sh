#!/usr/bin/env bash
# Runs `swift <command>` against the librdkafka that bootstrap provided, with an rpath to it so
# binaries never fall back to an older system library at load time.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ -f "$LOCAL_DIR/env.sh" ] || bash "$REPO_ROOT/scripts/bootstrap.sh"
source "$LOCAL_DIR/env.sh"
cd "$REPO_ROOT"
cmd=$1; shift
flags=()
if [ -n "${STATUSRELAY_RDKAFKA_RPATH:-}" ]; then
  flags+=(-Xlinker -rpath -Xlinker "$STATUSRELAY_RDKAFKA_RPATH")
fi
exec swift "$cmd" "${flags[@]}" "$@"
