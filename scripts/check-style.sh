#!/usr/bin/env bash
# scripts/check-style.sh - layout and lint gates the suite runs: clang-format on every C
# source and header, shellcheck on every shell script. Prints the offenders, exits 1.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
status=0
mapfile -t sources < <(find src include tests bench -name '*.[ch]' 2>/dev/null | sort)
for f in "${sources[@]}"; do
	clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || {
		echo "not clang-formatted: $f (run: clang-format -i $f)"
		status=1
	}
done
mapfile -t scripts < <(find scripts .ci iso bench tests certs -type f \( -name '*.sh' -o -name run -o -path iso/init \) 2>/dev/null | sort)
if [ ${#scripts[@]} -gt 0 ]; then
	shellcheck -x "${scripts[@]}" || status=1
fi
exit $status
