#!/usr/bin/env bash
# scripts/check-docs.sh - the documentation says what the code does, where a script can
# tell: every exit code of include/wipeseal/exit.h appears under EXIT STATUS in wipeseal(8)
# and in docs/cli.md with the same number, every subcommand has a man page section, and no
# document says a shipped subcommand "is not implemented" or "does not exist yet".
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
status=0
man=src/cli/wipeseal.8
exits=$(sed -n '/^\.SH "EXIT STATUS"/,/^\.SH/p' "$man")
while read -r name code; do
	if ! grep -qx ".B $code" <<<"$exits"; then
		echo "wipeseal(8): EXIT STATUS lacks $code ($name)"
		status=1
	fi
	if ! grep -Eq "^\| *\`?$code\`? *\|" docs/cli.md; then
		echo "docs/cli.md: exit status table lacks $code ($name)"
		status=1
	fi
done < <(sed -n 's/^#define \(WS_EXIT_[A-Z_]*\)[[:space:]]*\([0-9]*\)$/\1 \2/p' include/wipeseal/exit.h)
# every code listed in the man page exists in the header
while read -r code; do
	grep -Eq "^#define WS_EXIT_[A-Z_]+[[:space:]]+$code\$" include/wipeseal/exit.h || {
		echo "wipeseal(8): EXIT STATUS lists $code, which include/wipeseal/exit.h does not define"
		status=1
	}
done < <(grep -x '\.B [0-9]*' <<<"$exits" | cut -d' ' -f2)
while read -r cmd; do
	grep -q "^\.SS.*$cmd\|^\.TP.*$cmd\|^\.B wipeseal $cmd" "$man" || {
		echo "wipeseal(8): no section for the '$cmd' command"
		status=1
	}
	[ -f "src/cli/cmd-$cmd.c" ] || {
		echo "src/cli/cmd-$cmd.c missing: one file per subcommand"
		status=1
	}
done < <(sed -n 's/^.*{ "\([a-z-]*\)", cmd_.*/\1/p' src/cli/main.c)
# A line saying something is missing, read with the line before it: it must not name a
# shipped subcommand ("wipeseal CMD", `CMD`, "the CMD", "multi-drive CMD").
stale='not implemented|does not exist yet|is not built'
while IFS=$'\t' read -r where text; do
	while read -r cmd; do
		if grep -Eiq "(wipeseal |\`|the |drive )$cmd([\` ,.)]|$)" <<<"$text"; then
			echo "$where: says the shipped '$cmd' command is missing: fix the text"
			status=1
		fi
	done < <(sed -n 's/^.*{ "\([a-z-]*\)", cmd_.*/\1/p' src/cli/main.c)
done < <(awk -v re="$stale" 'tolower($0) ~ re { printf "%s:%d\t%s %s\n", FILENAME, FNR, prev, $0 }
	{ prev = $0 }' docs/*.md README.md "$man")
exit $status
