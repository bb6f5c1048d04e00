#!/usr/bin/env bash
# Install the system tools the test suite needs, when they are missing and we may install them.
# Each missing tool is reported; under CI=true a tool that cannot be installed is an error.
set -uo pipefail

need=()
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)

[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: installing ${need[*]} (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
        && exit 0
fi
echo "system-deps: could not install ${need[*]}: the tests that need them will say so and skip." >&2
if [ "${CI:-}" = "true" ]; then
    echo "system-deps: CI=true, so this is an error (install ${need[*]} as root)." >&2
    exit 1
fi
exit 0
