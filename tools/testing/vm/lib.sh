# shellcheck shell=bash
# Common helpers for the scard VM test harness. Sourced, not executed.

SCARD_CACHE=${SCARD_CACHE:-/var/cache/scard}
VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$VM_DIR/../../.." && pwd)
export SCARD_CACHE VM_DIR REPO_ROOT

say() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Run as root directly, else through sudo.
as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# The Debian 6.1 kernel release installed by linux-image-amd64, e.g. 6.1.0-56-amd64.
debian_kver() {
	local dep v
	dep=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null |
		grep -o 'linux-image-[0-9][^ ,]*-amd64' | head -n1 || true)
	if [ -n "$dep" ]; then
		v=${dep#linux-image-}
		[ -d "/lib/modules/$v" ] && { echo "$v"; return 0; }
	fi
	# Fallback: newest 6.1 kernel with modules and headers.
	v=$(find /lib/modules -mindepth 1 -maxdepth 1 -name '6.1.*-amd64' -printf '%f\n' | sort -V | tail -n1)
	[ -n "$v" ] || return 1
	echo "$v"
}

# Serialise kernel builds and VM boots on this machine (2 cores).
take_machine_lock() {
	mkdir -p "$SCARD_CACHE"
	exec 9>"$SCARD_CACHE/machine.lock"
	if ! flock -n 9; then
		say "waiting for another scard kernel build / VM run to finish ($SCARD_CACHE/machine.lock)"
		flock 9
	fi
}

nproc_build() { nproc 2>/dev/null || echo 2; }

# The harness may be started from `make check`: do not leak the parent make's
# flags (-n, -s, jobserver) into the builds it runs.
unset MAKEFLAGS MFLAGS MAKELEVEL
