#!/usr/bin/env bash
# Install the system tools deepcourse needs, when they are missing and we may install them.
#
#   system-deps.sh                    everything `make test` needs (bubblewrap, postgresql)
#   system-deps.sh --warn-only bubblewrap
#                                     what grading needs (`make run`): never fails
#
# As root with apt-get, missing packages are installed. Otherwise each missing one is named,
# with what it is for and the command that installs it, and the make goes on; under CI=true
# (without --warn-only) a package that cannot be installed is an error.
set -uo pipefail

warn_only=false
if [ "${1:-}" = "--warn-only" ]; then
    warn_only=true
    shift
fi
want=("$@")
[ ${#want[@]} -eq 0 ] && want=(bubblewrap postgresql)

need=()
why=()
for pkg in "${want[@]}"; do
    case "$pkg" in
    bubblewrap)
        command -v bwrap >/dev/null 2>&1 && continue
        why+=("bubblewrap (the grader's sandbox: without it grading has NO filesystem, network or process isolation)")
        ;;
    postgresql)
        ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && continue
        why+=("postgresql (the PostgreSQL tests: without it they skip)")
        ;;
    *)
        echo "system-deps: unknown package '$pkg': expected bubblewrap or postgresql" >&2
        exit 2
        ;;
    esac
    need+=("$pkg")
done

[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: installing ${need[*]} (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
        && exit 0
    echo "system-deps: apt-get could not install ${need[*]}." >&2
fi
for line in "${why[@]}"; do
    echo "system-deps: missing: $line" >&2
done
echo "system-deps: install as root with: sudo apt-get install ${need[*]}   (or run \`make system-deps\` as root); going on without." >&2
if [ "${CI:-}" = "true" ] && [ "$warn_only" = false ]; then
    echo "system-deps: CI=true, so this is an error." >&2
    exit 1
fi
exit 0
