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
if [ "$cmd" = build ]; then
  # SwiftPM re-evaluates the manifest whenever its environment differs from the last build's, and
  # the compilers see that environment too; a shell's or make's variables (MAKEFLAGS with make's
  # jobserver, terminal and session variables) then cost a slow no-op build or a rebuild. Builds
  # get only what they need, so the same sources always give the same build.
  keep=(HOME PATH TMPDIR LANG LC_ALL XDG_CACHE_HOME STATUSRELAY_SYSTEM_MALLOC SDKROOT TOOLCHAINS DEVELOPER_DIR
    SSH_AUTH_SOCK http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY)
  # env.sh prepends librdkafka's pkg-config folder each time it is sourced: drop repeats.
  PKG_CONFIG_PATH=$(printf '%s' "${PKG_CONFIG_PATH:-}" | tr ':' '\n' | awk 'NF && !seen[$0]++' | paste -sd: -)
  keep+=(PKG_CONFIG_PATH)
  clean=()
  for name in "${keep[@]}"; do
    if [ -n "${!name:-}" ]; then clean+=("$name=${!name}"); fi
  done
  exec env -i "${clean[@]}" swift "$cmd" "${flags[@]}" "$@"
fi
exec swift "$cmd" "${flags[@]}" "$@"
