# shellcheck shell=sh
# iso/register.sh - the boot image and the central register, sourced by iso/init (which
# gives it say(), conf_get(), mounted(), CONF, DATA and REGISTER, the value of
# wipeseal.register= on the kernel command line).
#
# Where the station's output goes when it has no data stick: with a register configured
# ([register] url, or wipeseal.register=), to a result directory in memory (RESULTS) and to
# the register, which `wipeseal station` sends each certificate to (and queues what it
# could not send in the result directory). Memory does not survive a power-off: auto mode
# powers off only once the queue is empty; it tries again every [register] retry for at
# most REGISTER_WAIT seconds, then says on the console what is left and stays on.

RESULTS=
REGISTER_WAIT=600
RUNTIME_CONF=/run/wipeseal/wipeseal.conf

# RESULTS, and the register's URL from the command line over the config's: the config
# copied to /run with a [register] section added after it (the last value wins).
register_settings() {
	if [ -n "$REGISTER" ]; then
		{
			[ "$CONF_OK" = yes ] && cat "$CONF" && echo
			printf '[register]\nurl = "%s"\n' "$REGISTER"
		} >"$RUNTIME_CONF"
		CONF=$RUNTIME_CONF
		CONF_OK=yes
	fi
	if ! mounted "$DATA" && [ -n "$(conf_get register url)" ]; then
		RESULTS=/run/wipeseal/results
		mkdir -p "$RESULTS/certificates"
		say "no data stick: certificates go to the register $(register_host) (and to memory until it holds them)"
	fi
}

# The register's host, for the console: never the whole URL (it names files and options).
register_host() {
	conf_get register url | sed -n 's,^postgres\(ql\)\{0,1\}://\([^@/]*@\)\{0,1\}\([^/?]*\).*,\3,p;s,.*host=\([^ ]*\).*,\1,p' | head -n1
}

# The number of files that wait in the result directory's queue (entries SEQ-NAME, some
# claimed as SEQ-NAME.sending; docs/register.md#the-queue), or that the register refused or
# found in conflict (held/: kept for a person, and in memory only here).
register_queue() {
	find "$RESULTS/certificates/.register-queue" -maxdepth 1 -type f ! -name '.*' 2>/dev/null | wc -l
}
register_held() {
	find "$RESULTS/certificates/.register-queue/held" -maxdepth 1 -type f ! -name '*.reason' 2>/dev/null | wc -l
}

# Send what waits, until the queue is empty or REGISTER_WAIT has passed. Return: 0 when the
# register holds everything.
register_drain() {
	[ -n "$RESULTS" ] || return 0
	retry=$(conf_get register retry)
	retry=${retry:-60}
	case "$retry" in *s) retry=${retry%s} ;; *m) retry=$((${retry%m} * 60)) ;; esac
	[ "$retry" -gt 0 ] 2>/dev/null || retry=60
	t=0
	while [ "$(register_queue)" -gt 0 ] && [ $t -lt $REGISTER_WAIT ]; do
		say "register: $(register_queue) file(s) wait to be sent; trying again"
		wipeseal register push --pending "$RESULTS/certificates" --config "$CONF" 2>&1 |
			while IFS= read -r line; do say "register: ${line#wipeseal: }"; done
		[ "$(register_queue)" -gt 0 ] || break
		sleep "$retry"
		t=$((t + retry))
	done
	n=$(register_queue)
	held=$(register_held)
	if [ "$held" -gt 0 ]; then
		say "register: $held file(s) refused or in conflict (their reasons: ls $RESULTS/certificates/.register-queue/held):"
		say "the station stays on, because they are only in memory; copy them off on tty2"
		return 1
	fi
	if [ "$n" -gt 0 ]; then
		say "register: $n file(s) could not be sent within $REGISTER_WAIT s: the station stays"
		say "on, because its results are only in memory ($RESULTS). On tty2:"
		say "wipeseal register push --pending $RESULTS/certificates --config $CONF"
		return 1
	fi
	say "register: holds every certificate of this station; nothing waits"
	return 0
}
