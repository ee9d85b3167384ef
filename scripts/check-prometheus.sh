#!/usr/bin/env bash
# Checks config/prometheus/: rule syntax, the rules' unit tests (every alert fires on its
# condition and stays silent otherwise) and the scrape configuration. `make test` runs it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v promtool >/dev/null || die "promtool not found (scripts/bootstrap.sh installs Debian's prometheus)"
cd "$REPO_ROOT/config/prometheus"
promtool check rules statusrelay-rules.yml
promtool test rules statusrelay-rules.test.yml
promtool check config prometheus.yml
